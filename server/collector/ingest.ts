import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { REPORT_KEEP_MS, REPORT_LIMITS, validateReport, type Report } from '../../src/protocol/report';
import { BodyError, readBody } from './body';
import { createRateLimiter } from './rate-limit';
import type { GroupCommit } from './group-commit';
import type { CatalogRegistry } from './catalog-registry';
import { MINUTE_MS, DAY_MS } from '../../src/protocol/time';

/** What `POST /v1/reports` needs. */
export interface IngestOptions {
  groupCommit: GroupCommit;
  catalogs: CatalogRegistry;
  /** Sites whose reports are accepted; default: any site with a known catalog. */
  sites?: string[] | undefined;
  /** Origins allowed to send reports from the browser (CORS); default: any. */
  origins?: string[] | undefined;
  /** Reports per minute per client before 429. */
  perMinute: number;
  /** The client's address, for rate limiting only (hashed with a salt that lives in memory). */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
  /** How long a report's body may take to arrive (default BODY_DEADLINE_MS). */
  bodyDeadlineMs?: number | undefined;
  /** The collector's clock (tests set it). */
  now?: (() => number) | undefined;
  /** For a site whose windows are released once settled (central noise): how long after its end a window takes reports. */
  settlesAfterMs?: ((site: string) => number | undefined) | undefined;
}

/** How far a device's clock may be from the collector's: a window may end this much after now, or be this much older than a device keeps reports. */
export const WINDOW_SKEW_MS = 5 * MINUTE_MS;

/** What a refused report is answered: the status and a message that names the problem. */
class Refusal {
  constructor(
    readonly status: 400 | 403 | 410,
    readonly message: string,
  ) {}
}

/**
 * Parses, validates and shape-checks a body. Throws a Refusal: nothing of a refused body
 * goes anywhere but its own answer.
 */
async function accept(text: string, options: IngestOptions): Promise<Report> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Refusal(400, 'body: expected a JSON report');
  }
  let report: Report;
  try {
    report = validateReport(body);
  } catch (error) {
    throw new Refusal(400, (error as Error).message);
  }
  if (options.sites && !options.sites.includes(report.site)) throw new Refusal(403, 'report.site: not a site of this collector');
  // Only windows a device could really have sent: closed, and not older than a device keeps a
  // report. Each other window would add counter rows no device made.
  const now = options.now?.() ?? Date.now();
  const end = Date.parse(report.windowStart) + report.windowMs;
  if (end > now + WINDOW_SKEW_MS) throw new Refusal(400, `report.windowStart: this window has not closed yet (it ends at ${new Date(end).toISOString()})`);
  if (end < now - REPORT_KEEP_MS - WINDOW_SKEW_MS) throw new Refusal(400, `report.windowStart: this window ended more than ${REPORT_KEEP_MS / DAY_MS} days ago, longer than a device keeps a report`);
  const settles = options.settlesAfterMs?.(report.site);
  if (settles !== undefined && end + settles <= now) {
    throw new Refusal(410, 'report.windowStart: this window was released with central noise and takes no more reports');
  }
  const problem = await options.catalogs.check(report);
  if (problem) throw new Refusal(400, problem);
  return report;
}

/**
 * `POST /v1/reports`: at most 64 KiB (read by readBody, not hono's bodyLimit, which costs a web Request per report), rate limited per client, strictly validated, checked
 * against the shape of the catalog version it cites, and answered 202 only once the batch
 * holding it is committed (idempotent by report id).
 * @returns a sub-app to mount at `/v1/reports`
 */
export function createIngest(options: IngestOptions): Hono {
  const limit = createRateLimiter(options.perMinute);
  const app = new Hono();
  const origins = options.origins;
  // The preflight, for a browser that sends one anyway, is hono's cors middleware. A report
  // itself is a simple request (text/plain): it needs only Access-Control-Allow-Origin, set
  // with c.header, because the middleware's c.res.headers builds a second Response for every
  // request, a fifth of the ingest rate (npm run bench).
  app.options('/', cors({ origin: origins ?? '*', allowMethods: ['POST'], allowHeaders: ['Content-Type'], maxAge: 86_400 }));
  const allowOrigin = (c: Context) => {
    const origin = c.req.header('Origin');
    if (!origins) c.header('Access-Control-Allow-Origin', '*');
    else {
      c.header('Vary', 'Origin');
      if (origin && origins.includes(origin)) c.header('Access-Control-Allow-Origin', origin);
    }
  };
  app.post('/', async (c) => {
    allowOrigin(c);
    const wait = limit(options.clientAddress?.(c), Date.now());
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json({ error: 'too many reports: retry later' }, 429);
    }
    try {
      const text = await readBody(c, REPORT_LIMITS.bytes, options.bodyDeadlineMs);
      if (text === null) return c.json({ error: `body: expected at most ${REPORT_LIMITS.bytes} bytes` }, 413);
      const added = await options.groupCommit.submit(await accept(text, options));
      return c.json({ accepted: true, duplicate: !added }, 202);
    } catch (error) {
      if (error instanceof Refusal || error instanceof BodyError) return c.json({ error: error.message }, error.status);
      // The store failed: nothing was counted, so the device keeps the report and retries.
      c.header('Retry-After', '5');
      return c.json({ error: 'the collector could not store the report: retry later' }, 503);
    }
  });
  return app;
}

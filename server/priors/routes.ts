import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { etag, RETAINED_304_HEADERS } from 'hono/etag';
import { createHash } from 'node:crypto';
import { SITE_ID, SITE_ID_TEXT } from '../../src/protocol/ids';
import type { Auth } from '../collector/auth';
import type { PriorsPublisher } from './publisher';

/** What the priors routes need. */
export interface PriorsApiOptions {
  publisher: PriorsPublisher;
  /** Who may ask for a new version now (POST); without it there is no POST. */
  auth?: Auth | undefined;
  /** Sites this collector serves; default: any. */
  sites?: string[] | undefined;
  /** Where a failed scheduled renewal is told. */
  log?: (line: string) => void;
}

/** The priors routes, and the stop of their schedule. */
export interface PriorsApi {
  /** `GET /v1/priors?site=…` (and `POST` behind the token), to mount at `/v1/priors`. */
  routes: Hono;
  close(): void;
}

/**
 * `GET /v1/priors?site=…`: the site's signed priors document, with an ETag (304 when
 * unchanged), `Cache-Control: no-cache` and CORS for shops on other origins; 404 with the
 * reason when there is none (the catalog does not learn, or names another key). A new version
 * is computed at most once per period, on a schedule for the sites asked for and when a
 * request finds the period over. `POST /v1/priors?site=…` behind the token computes one now.
 * @returns the routes, and a `close` that stops the schedule
 */
export function createPriorsApi(options: PriorsApiOptions): PriorsApi {
  const { publisher, auth, sites } = options;
  const log = options.log ?? (() => undefined);
  /** Sites asked for since the start: those the schedule renews. */
  const watched = new Set<string>(sites ?? []);
  const siteOf = (raw: string | undefined): string | { error: string; status: 400 | 403 } => {
    const site = raw ?? sites?.[0];
    if (site === undefined || !SITE_ID.test(site)) return { error: `site: expected a site id of ${SITE_ID_TEXT}, as ?site=…`, status: 400 };
    if (sites && !sites.includes(site)) return { error: 'site: not a site of this collector', status: 403 };
    return site;
  };

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const schedule = () => {
    if (closed) return;
    const wait = publisher.everyMs - (Date.now() % publisher.everyMs);
    timer = setTimeout(async () => {
      for (const site of watched) {
        if (closed) return;
        const answer = await publisher.current(site).catch((e: Error) => ({ ok: false as const, reason: e.message }));
        if (!answer.ok) log(`priors of ${site} not renewed: ${answer.reason}`);
      }
      schedule();
    }, wait);
    timer.unref();
  };
  schedule();

  const routes = new Hono();
  routes.use(cors({ origin: '*', allowMethods: ['GET'], allowHeaders: ['If-None-Match'], exposeHeaders: ['ETag'], maxAge: 86_400 }));
  routes.get('/', etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'access-control-allow-origin', 'access-control-expose-headers'] }), async (c) => {
    const site = siteOf(c.req.query('site'));
    if (typeof site !== 'string') return c.json({ error: site.error }, site.status);
    const answer = await publisher.current(site);
    if (!answer.ok) return c.json({ error: answer.reason }, 404);
    // Only sites with priors are renewed on schedule, so a client cannot make it renew without end.
    watched.add(site);
    const tag = `"${createHash('sha256').update(answer.priors.document).digest('base64url').slice(0, 22)}"`;
    return c.body(answer.priors.document, 200, { ETag: tag, 'Cache-Control': 'no-cache', 'Content-Type': 'application/json; charset=utf-8' });
  });
  if (auth) {
    routes.post('/', auth.required, async (c) => {
      const site = siteOf(c.req.query('site'));
      if (typeof site !== 'string') return c.json({ error: site.error }, site.status);
      const answer = await publisher.current(site, true);
      if (!answer.ok) return c.json({ error: answer.reason }, 409);
      return c.json({ site, version: answer.priors.version, catalog: answer.priors.catalog, computedAt: new Date(answer.priors.computedAt).toISOString() }, 201);
    });
  }
  return {
    routes,
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}

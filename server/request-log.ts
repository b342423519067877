import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { SECOND_MS, MINUTE_MS } from '../src/protocol/time';

/** How requests are logged. */
export interface RequestLogOptions {
  /** Where lines go. */
  write: (line: string) => void;
  /** One line per request too (opt-in: `VITRINE_LOG_REQUESTS=1`). Default: summaries only. */
  perRequest?: boolean;
  /** A summary line per route and status every this long, when there were requests. Default one minute. */
  intervalMs?: number;
}

/** The request log: a middleware, and a way to write what is counted so far and stop. */
export interface RequestLog {
  middleware: MiddlewareHandler;
  /** Writes the summary of what was counted since the last one. */
  flush(): void;
  /** Flushes and stops the interval. */
  close(): void;
}

interface Tally {
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Counts requests per (method, route, status) and writes one summary line per interval, so a
 * request costs no log write. Lines name the route as registered (`/v1/reports`, `/vitrine/:file`),
 * never the requested path, and never an address, a user agent, a referrer or anything from
 * a body: a refused report leaves no trace here.
 */
export function createRequestLog(options: RequestLogOptions): RequestLog {
  const tallies = new Map<string, Tally>();
  let since = Date.now();
  const flush = () => {
    if (tallies.size === 0) return;
    const seconds = ((Date.now() - since) / SECOND_MS).toFixed(0);
    const parts = [...tallies].map(([key, t]) => `${key} ×${t.count} (mean ${(t.totalMs / t.count).toFixed(1)} ms, max ${t.maxMs.toFixed(1)} ms)`);
    options.write(`requests in the last ${seconds} s: ${parts.join('; ')}`);
    tallies.clear();
    since = Date.now();
  };
  const timer = setInterval(flush, options.intervalMs ?? MINUTE_MS);
  timer.unref();
  return {
    middleware: async (c, next) => {
      const started = performance.now();
      await next();
      const ms = performance.now() - started;
      const route = routePath(c, -1);
      const key = `${c.req.method} ${route} ${c.res.status}`;
      if (options.perRequest) options.write(`${key} ${ms.toFixed(1)}ms`);
      const t = tallies.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
      t.count += 1;
      t.totalMs += ms;
      t.maxMs = Math.max(t.maxMs, ms);
      tallies.set(key, t);
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
    },
  };
}

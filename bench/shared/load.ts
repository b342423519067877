import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/* The load of the ingest bench: autocannon, run from this process, one fresh body per request. */

/** The part of autocannon's programmatic API used here (autocannon 8 is CommonJS without types). */
interface LoadOptions {
  url: string | string[];
  connections: number;
  duration: number;
  requests: { method: 'POST'; path: string; headers: Record<string, string>; setupRequest: (request: object) => object }[];
}
interface LoadResult {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number } | undefined>;
}
type Autocannon = (options: LoadOptions, done: (error: Error | null, result: LoadResult) => void) => EventEmitter;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** One timed run of the load against one route. */
export interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers of the expected status. */
  answers: number;
  /** CPU time the servers spent per answer, in µs: less sensitive than rates to a busy machine. */
  serverCpu: number;
  /** CPU time of this process (the load generator) per second of the run: 1 is a whole core. */
  generatorCpu: number;
  /** What went wrong, when anything did: the run's figures are then not used. */
  failure?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : Number.NaN;
}

/**
 * Runs autocannon against `path` of one or more servers (connections spread over them) for
 * `seconds`, each request a fresh body. Latencies are autocannon's own per-response times.
 * @param expected the status every answer must have, or the run is marked failed
 */
export function load(urls: string[], path: string, next: () => Buffer, seconds: number, connections: number, expected: '202' | '204'): Promise<Run> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const tracker = autocannon(
      {
        url: urls.length === 1 ? urls[0]! : urls,
        connections,
        duration: seconds,
        requests: [{ method: 'POST', path, headers: { 'Content-Type': 'text/plain' }, setupRequest: (request) => ({ ...request, body: next() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        const answered = Object.entries(result.statusCodeStats).reduce((sum, [, s]) => sum + (s?.count ?? 0), 0);
        const good = result.statusCodeStats[expected]?.count ?? 0;
        const sorted = Float64Array.from(times).sort();
        const run: Run = { perSecond: good / result.duration, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), answers: good, serverCpu: 0, generatorCpu: 0 };
        if (answered !== good || result.errors > 0 || good === 0) {
          const codes = Object.entries(result.statusCodeStats)
            .filter(([code]) => code !== expected)
            .map(([code, s]) => `${s?.count} × ${code}`);
          run.failure = `${answered - good} answers other than ${expected}${codes.length ? ` (${codes.join(', ')})` : ''}, ${result.errors} connection errors (${result.timeouts} timeouts), ${good} answers ${expected}`;
        }
        resolve(run);
      },
    );
    tracker.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  });
}

/** The command line of `npm run simulate`, read and checked. */
import { parseArgs } from 'node:util';
import { LOOP_DEFAULTS } from './closed-loop';

/** What `npm run simulate` does when told nothing. */
export const SIMULATE_DEFAULTS = {
  /** About 300 reports: at the collector's default limit (120 a minute) every arm reaches k = 20 within a minute. */
  devices: 300,
  /** A week, so the dashboard's daily series has days; devices keep reports no longer than that (worker/report/reporter.ts KEEP_MS). */
  days: 7,
  seed: 1,
  catalog: 'demo/catalog.json',
} as const;

/** The usage text. */
export const SIMULATE_USAGE = `Usage: npm run simulate -- [options]
  Sends the reports of a seeded population of simulated devices to a running collector (npm start).
  --url <url>          the collector (default http://localhost:$PORT, PORT default 8080)
  --catalog <file>     the catalog the devices use, plain or signed (default $VITRINE_CATALOG or ${SIMULATE_DEFAULTS.catalog});
                       the collector must know its version: npm start registers the catalog it serves
  --devices <n>        simulated devices (default ${SIMULATE_DEFAULTS.devices})
  --days <d>           devices are used on days among the last d days (default and most ${SIMULATE_DEFAULTS.days})
  --seed <s>           the same seed gives the same population (default ${SIMULATE_DEFAULTS.seed})
  --noise <epsilon>    reports with local noise of this epsilon, as the SDK's reportNoise option (0.01 to 20)
  --closed-loop        instead: the learning loop, offline, on its own shop and collector store: devices running the
                       SDK's decide code against a seeded ground truth, their reports fed back as priors; prints the
                       clicks per day of each policy (--days, default 28; --seed picks the ground truth)`;

/** The simulation's settings. */
export interface SimulateArgs {
  /** The collector's base URL. */
  url: string;
  catalogFile: string;
  /** Whether the catalog was named on the command line (rather than the one the collector serves by default). */
  catalogGiven: boolean;
  devices: number;
  days: number;
  seed: number;
  epsilon: number | undefined;
  /** Runs the closed learning loop offline instead of sending reports. */
  closedLoop: boolean;
  help: boolean;
}

function number(name: string, text: string | undefined, fallback: number, min: number, max: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!text.trim() || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * Reads the command line.
 * @param argv the arguments after the script name
 * @param env the environment (`PORT`, `VITRINE_CATALOG`)
 * @throws Error naming the option that is wrong
 */
export function parseSimulateArgs(argv: string[], env: Record<string, string | undefined>): SimulateArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      catalog: { type: 'string' },
      devices: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      noise: { type: 'string' },
      'closed-loop': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const url = values.url ?? `http://localhost:${env.PORT ?? 8080}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--url: expected an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`--url: expected an http(s) URL, got ${JSON.stringify(url)}`);
  return {
    url,
    catalogFile: values.catalog ?? env.VITRINE_CATALOG ?? SIMULATE_DEFAULTS.catalog,
    catalogGiven: values.catalog !== undefined,
    devices: number('devices', values.devices, SIMULATE_DEFAULTS.devices, 1, 100_000, true),
    // A collector takes reports of windows that ended within the last 7 days only (what a device may still send).
    days: number('days', values.days, values['closed-loop'] ? LOOP_DEFAULTS.days : SIMULATE_DEFAULTS.days, 1, values['closed-loop'] ? 31 : 7, true),
    seed: number('seed', values.seed, SIMULATE_DEFAULTS.seed, 0, 2 ** 32 - 1, true),
    epsilon: values.noise === undefined ? undefined : number('noise', values.noise, 0, 0.01, 20, false),
    closedLoop: values['closed-loop'] ?? false,
    help: values.help ?? false,
  };
}

/**
 * `npm run simulate`: fills a running collector's dashboard with the reports of a seeded
 * population of simulated devices, built by the SDK's own report code and sent as the SDK
 * sends them. See SIMULATE_USAGE for the options.
 */
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../src/protocol/catalog';
import { readCatalogDocument } from './catalog-document';
import { COLLECTOR_DEFAULTS } from './collector/defaults';
import type { Report } from '../src/protocol/report';
import { reportsUrl } from '../worker/report/sender';
import { SIMULATE_USAGE, parseSimulateArgs, type SimulateArgs } from './simulate/args';
import { simulatePopulation } from './simulate/population';
import { sendReports, type SendProgress, type SendResult } from './simulate/send';
import { ctr, reportTotals, type Totals } from './simulate/totals';
import { LOOP_DEFAULTS, LOOP_POLICIES, runPolicy, type LoopOptions } from './simulate/closed-loop';
import { ARMS } from '../src/protocol/decision';
import { SECOND_MS } from '../src/protocol/time';

/** What the simulation needs from its surroundings; tests replace them. */
export interface SimulateEnvironment {
  out?: (line: string) => void;
  env?: Record<string, string | undefined>;
  now?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Reads a catalog file: a catalog, or a signed envelope `{ signed, signature }` carrying one. */
async function readCatalog(file: string): Promise<Catalog> {
  // The signature is for shoppers' devices to check; the simulated ones trust their own file.
  return readCatalogDocument(await readFile(file, 'utf8'));
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const rate = (t: Totals | undefined) => (t ? `${percent(ctr(t))} CTR (${t.clicks} clicks of ${t.impressions} impressions)` : 'no reports');

/** What the reports add up to, so the newcomer knows what the dashboard should show. */
function expectations(reports: readonly Report[], out: (line: string) => void): void {
  const { arms, offers } = reportTotals(reports);
  out('What the dashboard should show once every cell has k reports:');
  for (const arm of ARMS) out(`  ${arm}: ${rate(arms.get(arm))}`);
  for (const [offer, variants] of offers) {
    if (variants.size < 2) continue;
    out(`  ${offer}: ${[...variants].map(([variant, t]) => `${variant} ${percent(ctr(t))}`).join(', ')}`);
  }
  const all = [...arms.values()];
  const conversions = all.reduce((s, t) => s + t.conversions, 0);
  const revenue = all.reduce((s, t) => s + t.revenue, 0);
  out(`  ${conversions} conversions, ${(revenue / 100).toFixed(2)} in revenue`);
}

/** Runs every policy of the closed loop and prints their cumulative clicks per day. */
async function printClosedLoop(options: LoopOptions, out: (line: string) => void): Promise<void> {
  out(`The closed loop: ${options.days} days of ${options.devicesPerDay * options.pagesPerVisit} impressions, ground truth seed ${options.seed}.`);
  const oracle = await runPolicy(LOOP_POLICIES[0]!, options);
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  for (const policy of LOOP_POLICIES) {
    const r = policy === LOOP_POLICIES[0] ? oracle : await runPolicy(policy, options);
    const share = (day: number) => percent(r.clicks[day - 1]! / oracle.clicks[day - 1]!);
    const mid = Math.min(14, options.days);
    out(`  ${policy.name.padEnd(40)} ${String(total(r.clicks)).padStart(7)} clicks, ${String(total(r.conversions)).padStart(5)} conversions; day ${mid}: ${share(mid)} of the oracle's clicks`);
  }
}

/** Explains why delivery stopped, with what to do about it. */
function explainStop(result: SendResult, args: SimulateArgs, out: (line: string) => void): void {
  const { status, message } = result.stopped!;
  if (status === undefined) {
    out(`error: ${message}`);
    out(`Is the collector running? Start it with \`npm start\` in another terminal, or point --url at yours.`);
  } else if (status === 429) {
    out(`error: the collector kept answering 429 (${message}) and accepted nothing for minutes.`);
    out(
      `It limits reports per client (VITRINE_RATE_PER_MINUTE, default ${COLLECTOR_DEFAULTS.perMinute}). Restart it with a higher limit, e.g. \`VITRINE_RATE_PER_MINUTE=6000 npm start\`, and run again.`,
    );
  } else {
    out(`error: the collector refused a report: ${status} ${message}`);
    if (args.catalogGiven || /catalog/i.test(message)) {
      out(`The collector accepts reports only for catalog versions it knows: \`npm start\` registers the catalog it serves (VITRINE_CATALOG, default demo/catalog.json).`);
      out(`Register ${args.catalogFile} with \`npm run catalog -- publish ${args.catalogFile}\`, or run without --catalog.`);
    }
  }
  out(`Delivered ${result.delivered} of ${result.total} reports before stopping.`);
}

/**
 * Runs the simulation: reads the catalog, simulates the devices, sends their reports and
 * prints progress and a summary.
 * @param argv the arguments after the script name
 * @param environment where lines go, the environment, the clock and the timer (for tests)
 * @returns the exit code: 0 when every report was delivered, 1 when the collector or the catalog failed, 2 on bad usage
 * @example
 * await simulate(['--url', 'http://localhost:8080', '--devices', '240'])
 */
export async function simulate(argv: string[], environment: SimulateEnvironment = {}): Promise<number> {
  const { out = console.log, env = process.env, now = Date.now(), sleep } = environment;
  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(argv, env);
  } catch (error) {
    out(`error: ${(error as Error).message}`);
    out(SIMULATE_USAGE);
    return 2;
  }
  if (args.help) {
    out(SIMULATE_USAGE);
    return 0;
  }
  if (args.closedLoop) {
    await printClosedLoop({ ...LOOP_DEFAULTS, days: args.days, seed: args.seed }, out);
    return 0;
  }
  let catalog: Catalog;
  try {
    catalog = await readCatalog(args.catalogFile);
  } catch (error) {
    out(`error: ${args.catalogFile}: ${(error as Error).message}`);
    return 1;
  }

  const population = simulatePopulation({ catalog, devices: args.devices, days: args.days, seed: args.seed, now, epsilon: args.epsilon });
  const { reports, devicesByArm } = population;
  const perArm = reportTotals(reports).arms;
  const count = (arm: 'personalized' | 'baseline' | 'contextual') => perArm.get(arm)?.reports ?? 0;
  out(
    `Simulating ${args.devices} devices on ${catalog.siteId} (catalog ${catalog.version}, seed ${args.seed}) over the last ${args.days} days${args.epsilon === undefined ? '' : `, with local noise ε = ${args.epsilon}`}.`,
  );
  out(`Devices per arm: personalized ${devicesByArm.personalized}, baseline ${devicesByArm.baseline}, contextual ${devicesByArm.contextual} (no personalization consent).`);
  out(`${reports.length} reports, one per device and day of use: personalized ${count('personalized')}, baseline ${count('baseline')}, contextual ${count('contextual')}.`);
  const thin = ARMS.filter((arm) => count(arm) < COLLECTOR_DEFAULTS.k);
  if (thin.length) out(`Note: ${thin.join(', ')} will have fewer than ${COLLECTOR_DEFAULTS.k} reports (the collector's default k): their cells stay hidden. Try more --devices.`);
  expectations(reports, out);

  const url = reportsUrl(args.url, undefined);
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / SECOND_MS);
  const step = Math.max(1, Math.ceil(reports.length / 10));
  let warned = false;
  out(`Sending to ${url}, 8 at a time…`);
  const result = await sendReports(
    reports.map((r) => JSON.stringify(r)),
    {
      url,
      concurrency: 8,
      ...(sleep ? { sleep } : {}),
      onProgress: (p: SendProgress) => {
        if (p.delivered % step === 0 || p.delivered === p.total) out(`  ${p.delivered} of ${p.total} reports delivered (${seconds()} s)`);
      },
      onRateLimited: (_wait, p) => {
        if (warned) return;
        warned = true;
        const left = Math.ceil(((p.total - p.delivered) / COLLECTOR_DEFAULTS.perMinute) * 60);
        out(`The collector answers 429: it limits reports per client (VITRINE_RATE_PER_MINUTE, default ${COLLECTOR_DEFAULTS.perMinute} a minute).`);
        out(`Pacing to it as it asks (Retry-After): about ${left} s more at the default limit. For a faster run, start the collector with \`VITRINE_RATE_PER_MINUTE=6000 npm start\`.`);
      },
    },
  );
  if (result.stopped) {
    explainStop(result, args, out);
    return 1;
  }
  const retried = result.retries ? ` (${result.retries} retries${result.rateLimited ? `, ${result.rateLimited} after 429` : ''})` : '';
  out(`Done in ${seconds()} s: ${args.devices} devices, ${result.delivered} reports sent: ${result.accepted} accepted, ${result.duplicates} duplicates${retried}.`);
  out(`Dashboard: ${new URL(`dashboard?site=${encodeURIComponent(catalog.siteId)}`, args.url.replace(/\/*$/, '/')).href} (sign in with the token \`npm start\` printed, or VITRINE_TOKEN).`);
  return 0;
}

// Run when executed, not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  simulate(process.argv.slice(2)).then((code) => process.exit(code));
}

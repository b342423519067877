/**
 * Part of `npm run bench`: the closed learning loop (server/simulate/closed-loop.ts). Every
 * policy runs the same shoppers against the same ground truth, for three ground truths; the
 * figures are cumulative clicks and conversions against uniform allocation and against the
 * oracle, measured in the same run. Writes the area for bench/RESULTS.md and the chart the
 * README shows (docs/learning-loop.svg).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOOP_DEFAULTS, LOOP_POLICIES, runPolicy, type LoopResult } from '../../server/simulate/closed-loop';
import { baselineOf, figure, medianOf, saveArea, type Figure } from '../shared/results';
import { cumulativeChart } from './learning-chart';

const SEEDS = [7, 8, 9];
const MID_DAY = 14;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const cumulative = (xs: readonly number[]) => xs.map((_, i) => sum(xs.slice(0, i + 1)));

async function main(): Promise<void> {
  const runs = new Map<string, LoopResult[]>(LOOP_POLICIES.map((p) => [p.name, []]));
  for (const seed of SEEDS) {
    for (const policy of LOOP_POLICIES) {
      const started = performance.now();
      const result = await runPolicy(policy, { ...LOOP_DEFAULTS, seed });
      runs.get(policy.name)!.push(result);
      console.log(`closed loop, ground truth ${seed}: ${policy.name}: ${sum(result.clicks)} clicks, ${sum(result.conversions)} conversions (${Math.round(performance.now() - started)} ms)`);
    }
  }
  const of = (name: string) => runs.get(name)!;
  const [oracle, uniform, fixed] = [LOOP_POLICIES[0]!.name, LOOP_POLICIES[1]!.name, LOOP_POLICIES[2]!.name];
  const totals = (name: string, key: 'clicks' | 'conversions') => of(name).map((r) => sum(r[key]));
  const figures: Figure[] = [];
  for (const policy of LOOP_POLICIES) {
    figures.push(figure(`${policy.name}: clicks in ${LOOP_DEFAULTS.days} days`, 'clicks', totals(policy.name, 'clicks'), baselineOf(uniform, totals(uniform, 'clicks'))));
  }
  for (const policy of LOOP_POLICIES.slice(1)) {
    // Day MID_DAY alone, against the oracle's clicks of that day with the same shoppers.
    const shares = of(policy.name).map((r, i) => r.clicks[MID_DAY - 1]! / of(oracle)[i]!.clicks[MID_DAY - 1]!);
    figures.push(figure(`${policy.name}: share of the oracle's clicks on day ${MID_DAY}`, '', shares, { name: 'oracle', median: 1 }));
  }
  for (const policy of LOOP_POLICIES.slice(1)) {
    figures.push(figure(`${policy.name}: conversions in ${LOOP_DEFAULTS.days} days`, 'conversions', totals(policy.name, 'conversions'), baselineOf(fixed, totals(fixed, 'conversions'))));
  }
  // The day-by-day cumulative clicks, median over the ground truths, for the table and the chart.
  const series = LOOP_POLICIES.map((p) => ({
    name: p.name,
    values: cumulative(of(p.name)[0]!.clicks).map((_, day) => medianOf(of(p.name).map((r) => cumulative(r.clicks)[day]!))),
  }));
  const dayRows = [7, 14, 21, 28].filter((d) => d <= LOOP_DEFAULTS.days);
  const table = [
    `| policy | ${dayRows.map((d) => `day ${d}`).join(' | ')} |`,
    `| --- | ${dayRows.map(() => '---:').join(' | ')} |`,
    ...series.map((s) => `| ${s.name} | ${dayRows.map((d) => Math.round(s.values[d - 1]!).toLocaleString('en-US')).join(' | ')} |`),
  ].join('\n');
  saveArea({
    id: '7-learning',
    title: 'Offers that learn: the closed loop',
    about:
      `Simulated devices run the SDK's decide code (rank and the learn chunk's Thompson draws) on a catalog of 12 offers in one slot ` +
      `(6 with 2 or 3 content variants) against a seeded ground truth (click-through 1–5% by offer, variant and shopper interest); ` +
      `${LOOP_DEFAULTS.devicesPerDay * LOOP_DEFAULTS.pagesPerVisit} impressions a day for ${LOOP_DEFAULTS.days} days; reports of hourly windows go through the SDK's report builder into a SQLite collector store, ` +
      `whose priors computation feeds the devices back. Three ground truths (seeds ${SEEDS.join(', ')}): min, median and max over them. ` +
      `Cumulative clicks, median over the ground truths, by day:\n\n${table}`,
    figures,
    versions: {},
  });
  const svg = cumulativeChart(`Cumulative clicks, ${LOOP_DEFAULTS.days} days of ${(LOOP_DEFAULTS.devicesPerDay * LOOP_DEFAULTS.pagesPerVisit).toLocaleString('en-US')} impressions`, series);
  writeFileSync(join(process.cwd(), 'docs', 'learning-loop.svg'), svg);
  console.log('wrote docs/learning-loop.svg');
}

await main();

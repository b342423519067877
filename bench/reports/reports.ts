/**
 * Part of `npm run bench`: what building a window's reports costs on the device, for
 * catalogs of a few sizes, against a baseline measured in the same run: serialising the same
 * number of cells with JSON.stringify (what any report of that shape costs at the least).
 * Runs in Node; the worker runs the same code.
 */
import { buildReports } from '../../worker/report/build';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import type { ExposureRecord } from '../../worker/storage/store';
import { MINUTE_MS } from '../../src/protocol/time';

const t0 = Date.UTC(2026, 10, 22, 10);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log("Building a window's reports on the device (every offer and variant, clamped, split into parts)");
console.log('  offers   cells   parts   bytes      build ms   JSON.stringify ms   ratio');
for (const offers of [100, 1_000, 10_000]) {
  const catalog = validateCatalog({
    version: 'bench',
    siteId: 'bench',
    offers: Array.from({ length: offers }, (_, i) => ({ id: `offer-${i}`, slot: 's', content: { title: 't' }, variants: [{ id: 'b', weight: 50, content: {} }] })),
  });
  const exposures: ExposureRecord[] = Array.from({ length: 200 }, (_, i) => ({
    offer: `offer-${(i * 37) % offers}`,
    variant: 'default',
    arm: 'personalized',
    slot: 's',
    kind: i % 5 ? 'impression' : 'click',
    at: t0 + i * 100,
  }));
  const input = { catalog, siteId: 'bench', windowMs: MINUTE_MS, from: t0, now: t0 + 3 * MINUTE_MS, exposures, room: 1_000 };
  const cells = buildReports(input).reports.flatMap((r) => r.cells);
  const build: number[] = [];
  const base: number[] = [];
  let parts = 0;
  let bytes = 0;
  for (let run = 0; run < 15; run++) {
    let started = performance.now();
    const { reports } = buildReports(input);
    const serialised = reports.map((r) => JSON.stringify(r));
    build.push(performance.now() - started);
    parts = reports.length;
    bytes = serialised.reduce((sum, s) => sum + s.length, 0);
    started = performance.now();
    JSON.stringify(cells);
    base.push(performance.now() - started);
  }
  const [b, j] = [median(build), median(base)];
  console.log(
    `  ${String(offers).padStart(6)}  ${String(cells.length).padStart(6)}  ${String(parts).padStart(6)}  ${String(bytes).padStart(8)}   ${b.toFixed(2).padStart(8)}   ${j.toFixed(2).padStart(17)}   ${(b / j).toFixed(1).padStart(5)}x`,
  );
}

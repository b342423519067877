/**
 * A seeded population of simulated devices and the reports they send: each device's exposures
 * go through the SDK's own report building (worker/report/build.ts `buildReports`), so the reports
 * have exactly the shape, clamps and noise of real ones.
 */
import type { Catalog } from '../../src/protocol/catalog';
import type { Arm } from '../../src/protocol/decision';
import type { Report } from '../../src/protocol/report';
import { buildReports } from '../../worker/report/build';
import { windowOf } from '../../worker/report/window';
import { generator } from '../../worker/random';
import { DAY, deviceExposures, makeDevice } from './shopper';
import { MINUTE_MS } from '../../src/protocol/time';

/** What to simulate. */
export interface PopulationOptions {
  catalog: Catalog;
  devices: number;
  /** Devices are used on days among the last `days` whole UTC days. */
  days: number;
  seed: number;
  /** The time the simulation runs at: the days simulated are the ones closed before it. */
  now: number;
  /** Local noise of parameter ε on every report, as the SDK's `reportNoise` option adds it. */
  epsilon?: number | undefined;
}

/** The simulated devices' reports, in the order to send them, and how many devices each arm has. */
export interface Population {
  reports: Report[];
  devicesByArm: Record<Arm, number>;
}

/** Shuffles in place (Fisher–Yates) with the seeded generator. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Takes the arms in turn, each in its shuffled order: the smallest arm (the holdout's
 * baseline) then reaches k in the first reports sent, not only at the end of a rate-limited run.
 */
function alternateArms(reports: Report[]): Report[] {
  const byArm = new Map<string | undefined, Report[]>();
  for (const r of reports) byArm.set(r.cells[0]?.arm, [...(byArm.get(r.cells[0]?.arm) ?? []), r]);
  const queues = [...byArm.values()];
  const out: Report[] = [];
  for (let i = 0; out.length < reports.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]!);
  return out;
}

/**
 * Simulates the devices and builds their reports, one per device and day of use. The same
 * options give the same reports (ids aside: those come from the platform's CSPRNG, as on a
 * real device, and must be new on every run since the collector deduplicates by id).
 * @returns the reports shuffled and taking the arms in turn, so a collector receiving them in order fills every arm and day early
 */
export function simulatePopulation(options: PopulationOptions): Population {
  const { catalog, now } = options;
  const random = generator(options.seed);
  // The last day simulated closed a few minutes ago, past the SDK's grace before it builds a window.
  const today = windowOf(now - 5 * MINUTE_MS, DAY);
  const dayStarts = Array.from({ length: options.days }, (_, i) => today - (options.days - i) * DAY);
  const devicesByArm: Record<Arm, number> = { personalized: 0, baseline: 0, contextual: 0 };
  const reports: Report[] = [];
  for (let n = 0; n < options.devices; n++) {
    const device = makeDevice(catalog, random, dayStarts);
    const exposures = deviceExposures(catalog, device, random);
    const built = buildReports({
      catalog,
      siteId: catalog.siteId,
      windowMs: DAY,
      from: dayStarts[0]!,
      now,
      exposures,
      noise: options.epsilon === undefined ? undefined : { epsilon: options.epsilon },
      room: Number.POSITIVE_INFINITY,
      emptyOutbox: true,
      random,
    }).reports;
    devicesByArm[device.arm]++;
    reports.push(...built);
  }
  return { reports: alternateArms(shuffle(reports, random)), devicesByArm };
}

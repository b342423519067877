import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The figures of `npm run bench`, area by area: each benchmark saves its area as JSON in
 * bench/results/ (saveArea), and bench/shared/write-results.ts gathers them into bench/RESULTS.md and
 * bench/results.json. Every figure carries its repetitions, min, median and max, and its
 * baseline from the same run as a ratio.
 */

/** One measured figure. */
export interface Figure {
  name: string;
  unit: string;
  reps: number;
  min: number;
  median: number;
  max: number;
  /** What it is compared with, measured in the same run; `ratio` is median / baseline median. */
  baseline: { name: string; median: number };
  ratio: number;
}

/** One area of the report (bytes shipped, tracking cost, …). */
export interface Area {
  /** File name in bench/results/, and the order of the report (`1-bytes`). */
  id: string;
  title: string;
  /** What the figures mean, in a sentence or two, above the table. */
  about: string;
  figures: Figure[];
  /** Versions of what was measured (packages, browsers), by name. */
  versions: Record<string, string>;
}

/** The version of an installed package, read from its package.json (which not every package exports). */
export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the areas' JSON files are kept between the benchmark runs and the report. */
export const RESULTS_DIR = join(process.cwd(), 'bench', 'results');

/**
 * A figure from repeated measurements, against a baseline's median.
 * @param values the measurements (one for exact quantities such as bytes)
 */
export function figure(name: string, unit: string, values: readonly number[], baseline: { name: string; median: number }): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, unit, reps: sorted.length, min: sorted[0]!, median: medianOf(sorted), max: sorted.at(-1)!, baseline, ratio: medianOf(sorted) / baseline.median };
}

/** The median of measurements (the mean of the middle two for an even count). */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/** A baseline for {@link figure}: a name and the median of its measurements. */
export function baselineOf(name: string, values: readonly number[]): { name: string; median: number } {
  return { name, median: medianOf(values) };
}

/** Saves an area's figures for bench/shared/write-results.ts. */
export function saveArea(area: Area): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${area.id}.json`), `${JSON.stringify(area, null, 2)}\n`);
}

/** Every area saved so far, in report order. */
export function savedAreas(): Area[] {
  let names: string[] = [];
  try {
    names = readdirSync(RESULTS_DIR)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(RESULTS_DIR, n), 'utf8')) as Area);
}

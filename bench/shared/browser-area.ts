import type { Engine } from '../../tools/engines/browsers';
import type { Figure } from './results';
import type { SinkCounts } from './serve';

/** Opens a bench page (`tracking/tracking.html?sdk=vitrine`) in the engine and returns what its `runBench(options)` resolves to. */
export type RunPage = <T>(page: string, options?: object) => Promise<T>;

/** What a browser area measures with: the engine, its page runner and the sink's request counts. */
export interface BrowserBench {
  engine: Engine;
  run: RunPage;
  sink: SinkCounts;
  /**
   * Measures with a second Chromium, launched on a fresh profile with `args` added to its
   * switches (a diagnostic, such as a V8 flag no page can set), and closes it after.
   */
  inChromiumWith<T>(args: readonly string[], measure: (run: RunPage) => Promise<T>): Promise<T>;
}

/**
 * How an area of the report is measured in the browser: what its pages return (`Raw`), and the
 * figures made from it.
 */
export interface BrowserAreaParts<Raw> {
  id: string;
  title: string;
  about: string;
  versions: () => Record<string, string>;
  measure(bench: BrowserBench): Promise<Raw>;
  /** The figures of one engine, their names starting with it. */
  figures(engine: Engine, raw: Raw): Figure[];
}

/** An area measured in the browser, as bench/shared/browsers.ts runs it in every engine and saves it. */
export interface BrowserArea {
  id: string;
  title: string;
  about: string;
  versions: () => Record<string, string>;
  /** Measures in one engine and returns its figures. */
  measure(bench: BrowserBench): Promise<Figure[]>;
}

/** Puts an area's parts together. */
export function browserArea<Raw>(parts: BrowserAreaParts<Raw>): BrowserArea {
  return { ...parts, measure: async (bench) => parts.figures(bench.engine, await parts.measure(bench)) };
}

/** `Chromium`, `Firefox`, `WebKit`: how figures name the engine. */
export const engineLabel = (engine: Engine) => ({ chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit' })[engine];

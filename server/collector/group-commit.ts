import type { Report } from '../../src/protocol/report';
import type { CounterStore } from '../store';
import { COLLECTOR_DEFAULTS } from './defaults';

/** When a batch is committed. */
export interface BatchOptions {
  /** Commit once this many reports wait. Default 512. */
  maxReports?: number;
  /**
   * Refuse a report at once when this many already wait behind a slow commit (the device
   * retries later). Default 20 × maxReports.
   */
  maxWaiting?: number;
  /**
   * Commit this long after the first report of a batch arrived, at most. 0 (the default)
   * commits at the end of the event-loop turn: under load a turn holds many reports, and a
   * quiet collector answers at once.
   */
  delayMs?: number;
}

/** Group commit: reports are merged in memory and committed together. */
export interface GroupCommit {
  /**
   * Adds a validated, shape-checked report to the next commit.
   * @returns once that commit is done: true when counted, false for a duplicate id
   * @throws whatever the store threw: the report is not stored, and the device will retry
   */
  submit(report: Report): Promise<boolean>;
  /** Commits what waits, and resolves when nothing is left in flight. */
  drain(): Promise<void>;
}

interface Waiting {
  report: Report;
  resolve: (added: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Commits reports in batches: one store transaction per flush, after `delayMs` or
 * `maxReports`, whichever comes first, and one flush at a time (reports arriving meanwhile
 * go in the next). A report's promise settles only after the commit that holds it, so an
 * answer of 202 is never given for a report a crash could still lose.
 * @param store where counters go
 * @param options when to flush, and how many reports may wait
 * @returns the group commit
 */
export function createGroupCommit(store: CounterStore, options: BatchOptions = {}): GroupCommit {
  const maxReports = options.maxReports ?? COLLECTOR_DEFAULTS.flushReports;
  const delayMs = options.delayMs ?? COLLECTOR_DEFAULTS.flushMs;
  const maxWaiting = options.maxWaiting ?? 20 * maxReports;
  let queue: Waiting[] = [];
  let scheduled: (() => void) | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = () => {
    if (scheduled || inFlight || queue.length === 0) return;
    if (delayMs > 0) {
      const timer = setTimeout(flush, delayMs);
      scheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(flush);
      scheduled = () => clearImmediate(immediate);
    }
  };

  function flush() {
    scheduled?.();
    scheduled = undefined;
    if (inFlight || queue.length === 0) return;
    const batch = queue.slice(0, maxReports);
    queue = queue.slice(batch.length);
    // `finally` runs after this assignment even when the store answers at once.
    inFlight = commit(batch).finally(() => {
      inFlight = undefined;
      if (queue.length >= maxReports) flush();
      else schedule();
    });
  }

  async function commit(batch: Waiting[]): Promise<void> {
    try {
      const added = await store.commit(
        batch.map((w) => w.report),
        Date.now(),
      );
      for (const [i, w] of batch.entries()) w.resolve(added[i]!);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  return {
    submit(report) {
      if (queue.length >= maxWaiting) return Promise.reject(new Error(`${queue.length} reports wait for the store`));
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ report, resolve, reject });
        if (queue.length >= maxReports) flush();
        else schedule();
      });
    },
    async drain() {
      while (queue.length > 0 || inFlight) {
        flush();
        await inFlight;
      }
    },
  };
}

import type { EngineEvent, ReadyReport, ReportStatus } from './protocol/engine';

/*
 * The page's side of reporting: the status the engine last told (for `state().reports`), and
 * the reports ready to go, which the page sends itself when it is hidden or left: the page may
 * be gone before the engine's own sends finish. What is due stays in the outbox until a send is
 * acknowledged (the collector counts an id once). Nothing leaves while a withdrawal or an
 * erasure is under way, nor without `measurement`.
 */

/** The page's reports, as src/vitrine.ts wires them. */
export interface PageReports {
  /** The status the engine last told. */
  status(): ReportStatus;
  /** Takes what the engine tells of its outbox. */
  told(event: Extract<EngineEvent, { type: 'reports' }>): void;
  /** Runs `fn` (a withdrawal, an erasure) with nothing sent from the page meanwhile. */
  withholding<T>(fn: () => Promise<T>): Promise<T>;
  /** Forgets what was ready: measurement was withdrawn, here or in another tab. */
  dropReady(): void;
  /** Sends what is due with a keepalive fetch, without cookies (sendBeacon cannot leave them out). */
  sendOnHide(): void;
}

/** @param measuring whether the shopper's decision allows measurement now */
export function pageReports(measuring: () => boolean): PageReports {
  let status: ReportStatus = { pending: 0, sent: 0, dropped: 0 };
  let url = '';
  let ready: ReadyReport[] = [];
  // Withdrawals and erasures under way.
  let withheld = 0;
  return {
    status: () => ({ ...status }),
    told(event) {
      ({ status, url, ready } = event);
      if (withheld) ready = [];
    },
    async withholding(fn) {
      withheld++;
      ready = [];
      try {
        return await fn();
      } finally {
        withheld--;
      }
    },
    dropReady() {
      ready = [];
      status = { ...status, pending: 0 };
    },
    sendOnHide() {
      if (withheld || !measuring()) return;
      for (const r of ready) {
        if (r.nextAt <= Date.now()) void fetch(url, { method: 'POST', body: r.body, keepalive: true, credentials: 'omit' }).catch(() => undefined);
      }
      ready = [];
    },
  };
}

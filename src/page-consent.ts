import type { StorageKind } from './protocol/engine';
import type { ConsentState } from './protocol/consent';
import type { EngineClient } from './engine';
import type { TrackQueue } from './track';
import type { PageReports } from './page-reports';

/*
 * The shopper's consent on the page, wired to the engine: a decision reaches the engine after
 * the events tracked under the one before it, in a task of its own (it often comes from the
 * shopper's click, and what it sets off must not delay the next paint), and a withdrawal of
 * measurement stops the page's own sends from that moment. The CMP that speaks for the shopper
 * is read by src/consent/listen.ts.
 */

/**
 * @param engine the engine the decisions go to
 * @param trackQueue the page's track batch, sent before each decision
 * @param reports the page's reports, withheld while measurement is withdrawn
 * @param stored hears where the engine keeps the shopper's data under the decision applied
 * @returns what the page's consent (src/consent/core.ts) calls to apply a decision
 */
export const consentToEngine =
  (engine: EngineClient, trackQueue: TrackQueue, reports: PageReports, stored: (storage: StorageKind) => void) =>
  async (next: ConsentState): Promise<void> => {
    trackQueue.send();
    const apply = async () => {
      await new Promise((resolve) => setTimeout(resolve));
      // Events come on another channel than answers, so the storage event may come later.
      stored(await engine.call('setConsent', next));
    };
    await (next.purposes.measurement ? apply() : reports.withholding(apply));
  };

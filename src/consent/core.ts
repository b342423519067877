import { VitrineError } from '../protocol/errors';
import { isPlainObject } from '../protocol/validate';
import { PURPOSE_NAMES, undecided, type ConsentState, type PurposeName } from '../protocol/consent';
import { createEmitter, type ErrorSink } from '../emitter';
import type { ConsentSignal } from './signal';

/** What the shopper (or the banner) may change in one call. */
export type ConsentChoice = Partial<Record<PurposeName, boolean>>;

/** `v.consent`: read, change and watch the shopper's decision. */
export interface ConsentApi {
  /** @returns the effective state (a copy) */
  get(): ConsentState;
  /**
   * Records a decision. Purposes not named keep their value. Resolves once whatever a
   * withdrawn purpose covered is erased.
   * @example await v.consent.set({ functional: true, personalization: false, measurement: false })
   */
  set(choice: ConsentChoice): Promise<ConsentState>;
  /** @returns a function that unsubscribes */
  on(event: 'change', fn: (state: ConsentState) => void): () => void;
}

/** The consent core, plus what the SDK needs to feed it decisions from elsewhere. */
export interface ConsentCore extends ConsentApi {
  /** Takes a state decided elsewhere (another tab) without applying it again. */
  adopt(state: ConsentState): void;
  /** Takes the decision stored on this device; Global Privacy Control caps it unless it was explicit. */
  restore(state: ConsentState): Promise<void>;
  /** Applies what a CMP reported. */
  external(signal: ConsentSignal, source: string): Promise<ConsentState>;
  /** Resolves once every decision asked for so far is applied (or failed). */
  settled(): Promise<unknown>;
}

function validateChoice(choice: unknown): ConsentChoice {
  if (!isPlainObject(choice)) throw new VitrineError('invalid-consent', 'consent.set: expected an object such as { personalization: true }');
  const out: ConsentChoice = {};
  for (const [key, value] of Object.entries(choice)) {
    if (!(PURPOSE_NAMES as readonly string[]).includes(key)) {
      throw new VitrineError('invalid-consent', `consent.set.${key}: unknown purpose; expected ${PURPOSE_NAMES.join(', ')}`);
    }
    if (typeof value !== 'boolean') throw new VitrineError('invalid-consent', `consent.set.${key}: expected true or false`);
    out[key as PurposeName] = value;
  }
  return out;
}

function copy(state: ConsentState): ConsentState {
  return { ...state, purposes: { ...state.purposes } };
}

/**
 * The main thread's consent state. A change is applied (erasure included) before it is
 * announced.
 * @param apply carries a decision out in the engine
 * @param sink where listener errors go
 */
export function createConsentCore(apply: (state: ConsentState) => Promise<void>, sink: ErrorSink, gpc: boolean): ConsentCore {
  let state: ConsentState = { ...undecided(), ...(gpc ? { gpc } : {}) };
  const events = createEmitter<{ change: ConsentState }>(sink);
  // Decisions apply one after another, each on top of the one before it.
  let applying: Promise<unknown> = Promise.resolve();

  /** Global Privacy Control turns personalization and measurement off unless the shopper granted them by acting. */
  const capped = (next: ConsentState): ConsentState =>
    gpc && !next.explicit ? { ...next, gpc, purposes: { ...next.purposes, personalization: false, measurement: false } } : gpc ? { ...next, gpc } : next;

  /** Whether `next` only repeats the decision in force: same purposes, and no act where there was none. */
  const repeats = (next: ConsentState) => state.decided && PURPOSE_NAMES.every((p) => state.purposes[p] === next.purposes[p]) && (state.explicit || !next.explicit);

  /** @param skipRepeat a decision that repeats the one in force is not applied again (nothing is written) */
  const decide = (build: () => ConsentState, skipRepeat = false): Promise<ConsentState> => {
    const run = applying.then(async () => {
      const next = capped(build());
      if (skipRepeat && repeats(next)) return copy(state);
      await apply(next);
      state = next;
      events.emit('change', copy(state));
      return copy(state);
    });
    applying = run.catch(() => undefined);
    return run;
  };

  return {
    get: () => copy(state),
    settled: () => applying,
    // async, so a bad choice rejects; the chaining below still happens at call time, in order.
    async set(choice) {
      const picked = validateChoice(choice);
      return decide(() => ({
        decided: true,
        purposes: { ...state.purposes, ...picked, necessary: true },
        source: 'manual',
        updatedAt: Date.now(),
        explicit: true,
      }));
    },
    on: (event, fn) => events.on(event, fn),
    adopt(next) {
      state = copy(next);
      events.emit('change', copy(state));
    },
    async restore(stored) {
      const next = capped({ ...stored, source: 'stored' });
      if (next.purposes.personalization === stored.purposes.personalization && next.purposes.measurement === stored.purposes.measurement) {
        state = next;
        events.emit('change', copy(state));
        return;
      }
      await decide(() => next);
    },
    // A CMP tells its decision again on every page: only a change is applied, so a page load
    // writes nothing (WebKit stalls a new page's IndexedDB while the last one's writes unwind).
    external(signal, source) {
      const { explicit, ...purposes } = signal;
      return decide(() => {
        // The CMP replaying a choice the shopper made by acting (on an earlier page) is still that act.
        const same = state.explicit && PURPOSE_NAMES.every((p) => state.purposes[p] === purposes[p]);
        return { decided: true, purposes: { ...purposes, necessary: true }, source, updatedAt: Date.now(), explicit: explicit || !!same };
      }, true);
    },
  };
}

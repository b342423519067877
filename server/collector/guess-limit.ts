import { createClientKeys, LruMap } from './client-key';
import { TRACKED_CLIENTS } from './rate-limit';
import { SECOND_MS, MINUTE_MS } from '../../src/protocol/time';

/** Wrong tokens a client may send before it must wait. */
export const FREE_GUESSES = 5;
/** The first wait after them, doubled at each further wrong token. */
export const FIRST_WAIT_MS = SECOND_MS;
/** The longest wait. */
export const LONGEST_WAIT_MS = 15 * MINUTE_MS;

/** A limit on guessing the token: per client, a wait that doubles with each wrong one. */
export interface GuessLimit {
  /** 0 when the client may try a token now, else the seconds it must wait. */
  wait(address: string | undefined, now: number): number;
  /** Counts a wrong token. */
  failed(address: string | undefined, now: number): void;
  /** Forgets the client's wrong tokens: it knew the right one. */
  succeeded(address: string | undefined, now: number): void;
}

/**
 * Backoff after wrong tokens, for the bearer API and the dashboard's sign-in: after
 * {@link FREE_GUESSES} wrong ones, a client waits {@link FIRST_WAIT_MS}, doubled with each
 * further one, up to {@link LONGEST_WAIT_MS}. Keyed like the rate limiter (salted hash of the
 * network, least recently seen forgotten first).
 */
export function createGuessLimit(): GuessLimit {
  const keys = createClientKeys();
  const clients = new LruMap<{ failures: number; until: number }>(TRACKED_CLIENTS);
  const keyOf = (address: string | undefined, now: number) => {
    const { key, newDay } = keys(address, now);
    if (newDay) clients.clear();
    return key;
  };
  return {
    wait(address, now) {
      const until = clients.get(keyOf(address, now))?.until ?? 0;
      return until > now ? Math.ceil((until - now) / SECOND_MS) : 0;
    },
    failed(address, now) {
      const key = keyOf(address, now);
      const failures = (clients.get(key)?.failures ?? 0) + 1;
      const over = failures - FREE_GUESSES;
      clients.set(key, { failures, until: over > 0 ? now + Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (over - 1)) : 0 });
    },
    succeeded(address, now) {
      clients.delete(keyOf(address, now));
    },
  };
}

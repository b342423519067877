import { createClientKeys, LruMap } from './client-key';
import { MINUTE_MS } from '../../src/protocol/time';

/** Clients tracked at once; past it, the least recently seen is forgotten (and starts again with a full bucket). */
export const TRACKED_CLIENTS = 100_000;

/**
 * A per-client token bucket, keyed by a salted hash of the client's network (an IPv6 /64).
 * @param perMinute requests a client may make per minute
 * @returns a function of (address, now) giving 0 to go ahead, or the seconds to wait
 */
export function createRateLimiter(perMinute: number): (address: string | undefined, now: number) => number {
  const keys = createClientKeys();
  const buckets = new LruMap<{ tokens: number; at: number }>(TRACKED_CLIENTS);
  return (address, now) => {
    const { key, newDay } = keys(address, now);
    if (newDay) buckets.clear();
    const b = buckets.get(key) ?? { tokens: perMinute, at: now };
    // A clock set back (NTP, a VM restored) must not drain the bucket.
    b.tokens = Math.min(perMinute, b.tokens + (Math.max(0, now - b.at) / MINUTE_MS) * perMinute);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / perMinute) * 60);
    b.tokens -= 1;
    return 0;
  };
}

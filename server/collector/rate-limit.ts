import { createHash, randomBytes } from 'node:crypto';

const DAY = 86_400_000;

/**
 * A per-client token bucket keyed by a salted hash of the client address. The salt is random,
 * kept in memory only and replaced every day, so no address, nor anything that could be
 * matched to one later, is ever stored.
 * @param perMinute requests a client may make per minute
 * @returns a function of (address, now) giving 0 to go ahead, or the seconds to wait
 */
export function createRateLimiter(perMinute: number): (address: string | undefined, now: number) => number {
  let salt = randomBytes(16);
  let saltDay = Math.floor(Date.now() / DAY);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (address, now) => {
    const day = Math.floor(now / DAY);
    if (day !== saltDay) {
      salt = randomBytes(16);
      saltDay = day;
      buckets.clear();
    }
    const key = createHash('sha256').update(salt).update(address ?? 'unknown').digest('base64url');
    const b = buckets.get(key) ?? { tokens: perMinute, at: now };
    // A clock set back (NTP, a VM restored) must not drain the bucket.
    b.tokens = Math.min(perMinute, b.tokens + (Math.max(0, now - b.at) / 60_000) * perMinute);
    b.at = now;
    buckets.set(key, b);
    if (buckets.size > 100_000) buckets.clear();
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / perMinute) * 60);
    b.tokens -= 1;
    return 0;
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { DAY_MS } from '../../src/protocol/time';

/**
 * The key under which a client is limited: an IPv4 address, or an IPv6 address's /64 (one
 * subscriber gets a whole /64, so keying on the full address would give them 2^64 buckets).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`) is its IPv4 address. Anything else is taken as it is.
 * @param address the client's address as the socket or the trusted proxy gave it
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().replace(/%.*$/, '').split('::', 2);
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  const prefix = groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}

/**
 * Keys clients by a salted hash of their network (see {@link clientNetwork}). The salt is
 * random, kept in memory only and replaced every day, so no address, nor anything that could
 * be matched to one later, is ever kept; the caller forgets its entries when the salt changes.
 * @returns a function of (address, now) giving the key, and whether the salt was just replaced
 */
export function createClientKeys(): (address: string | undefined, now: number) => { key: string; newDay: boolean } {
  let salt = randomBytes(16);
  let saltDay = Math.floor(Date.now() / DAY_MS);
  return (address, now) => {
    const day = Math.floor(now / DAY_MS);
    const newDay = day !== saltDay;
    if (newDay) {
      salt = randomBytes(16);
      saltDay = day;
    }
    return {
      key: createHash('sha256')
        .update(salt)
        .update(address === undefined ? 'unknown' : clientNetwork(address))
        .digest('base64url'),
      newDay,
    };
  };
}

/**
 * A map that holds at most `max` entries, forgetting the least recently used one first (a
 * Map iterates in insertion order, so a touched entry is moved to the end).
 * @param max the most entries kept
 */
export class LruMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

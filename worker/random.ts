/**
 * The engine's randomness. Deterministic, from the device-local seed: experiment buckets,
 * content variants and exploration are all drawn here, so a seed reproduces a shopper's
 * experience exactly (tests) and a bucket is sticky across reloads without any user id.
 * Unpredictable, from the platform's CSPRNG: the seed itself, report noise and send times.
 */

/** FNV-1a, 32 bits: a fast, well-spread hash of a string. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (from murmur3) so close inputs land far apart.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A stable number in [0, 1) for this device and key.
 * @param seed the device seed
 * @param key what is being bucketed (`experiment:holdout`, `variant:trail-10`)
 */
export function bucket(seed: number, key: string): number {
  return hash32(key, seed) / 2 ** 32;
}

/**
 * Picks by weight with a number in [0, 1).
 * @returns the index of the picked entry; the last one when every weight is 0
 */
export function pickWeighted(weights: readonly number[], u: number): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = u * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/**
 * A seeded generator of numbers in [0, 1) (mulberry32).
 * @param seed 32-bit seed
 */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A fresh random 32-bit seed from the platform's CSPRNG. */
export function newSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** Uniform numbers in [0, 1) from the platform's CSPRNG: report noise and send times must not be guessable. */
export function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

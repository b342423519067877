/** Uniform numbers in [0, 1) from the platform's CSPRNG: noise and send times must not be guessable. */
export function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

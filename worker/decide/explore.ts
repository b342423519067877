/**
 * Chooses the slate positions that go to exploration, and the offer for each: with probability
 * `exploration` per position, an eligible offer from below the pool (or, in a small slot where
 * every eligible offer is in the pool, from below the top `limit`). No offer is picked twice.
 * @param pool the best eligible offers, best first (positions in the slot)
 * @param eligible every eligible offer (positions in the slot)
 * @param limit how many positions the slate has
 * @param exploration the chance that a position is explored, 0 to 1
 * @param random numbers in [0, 1), seeded per device and decision
 * @returns the explored offer by slate position, positions ascending
 */
export function explore(pool: readonly number[], eligible: Int32Array, limit: number, exploration: number, random: () => number): Map<number, number> {
  const inPool = new Set(pool);
  const picks = new Map<number, number>();
  const taken = new Set<number>();
  const below = eligible.length - pool.length;
  for (let position = 0; position < limit && position < eligible.length; position++) {
    if (random() >= exploration) continue;
    let pick: number | undefined;
    // Rejection sampling over the eligible list: no array of the rest is ever built.
    for (let tries = 0; tries < 32 && (pick === undefined || inPool.has(pick) || taken.has(pick)); tries++) {
      pick = below > 0 ? eligible[Math.floor(random() * eligible.length)] : pool.length > limit ? pool[limit + Math.floor(random() * (pool.length - limit))] : undefined;
      if (below <= 0 && pick !== undefined && !taken.has(pick)) break;
    }
    if (pick === undefined || taken.has(pick) || (below > 0 && inPool.has(pick))) continue;
    taken.add(pick);
    picks.set(position, pick);
  }
  return picks;
}

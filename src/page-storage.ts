/**
 * The key of what the page keeps for a site in Web Storage: `vitrine:<siteId>:<name>`.
 * @example pageKey('demo-shop', 'offers') // 'vitrine:demo-shop:offers'
 */
export const pageKey = (siteId: string, name: string): string => `vitrine:${siteId}:${name}`;

/**
 * Runs `fn` on one of the page's Web Storage areas. Storage may be off (a sandboxed frame, a
 * blocked site) or full: what the page keeps there is a convenience on top of the engine's own
 * storage, so a failure reads as undefined and loses nothing the engine holds.
 * @param area which area
 * @param fn what to do with it
 * @returns what `fn` returned, undefined when the area failed
 */
export function inStorage<T>(area: 'localStorage' | 'sessionStorage', fn: (storage: Storage) => T): T | undefined {
  try {
    return fn(globalThis[area]);
  } catch {
    return undefined;
  }
}

import type { Caps, Offer } from '../src/protocol/catalog';
import type { RankInput } from './features';
import type { ExposureLog, OfferLog } from './exposures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A product bought within this time is not promoted again (replenishment offers excepted). */
const BOUGHT_QUIET_MS = 180 * DAY;

/**
 * Whether an offer may be shown to this shopper now: its dates, visitor kind, cart
 * conditions, what was bought (replenishment, or a product bought lately), and its caps.
 */
export function eligible(offer: Offer, input: RankInput, log: ExposureLog): boolean {
  const { now, cart } = input;
  // A sensitive offer is never targeted by the profile, nor hidden by it.
  const personal = offer.sensitive ? null : input.personal;
  const e = offer.eligibility;
  if (e.from !== null && now < e.from) return false;
  if (e.until !== null && now >= e.until) return false;
  // Without a profile every shopper is new to the SDK.
  const returning = (personal?.visits ?? 0) > 1;
  if ((e.visitor === 'new' && returning) || (e.visitor === 'returning' && !returning)) return false;
  if (cart.value < e.cartMinValue) return false;
  if (e.cartCategories.length && !e.cartCategories.some((c) => cart.categories.has(c))) return false;
  if (e.boughtBefore) {
    if (!personal || offer.sensitive) return false;
    const { categories, minDaysAgo } = e.boughtBefore;
    if (!categories.some((c) => personal.purchases[c] !== undefined && now - personal.purchases[c]! >= minDaysAgo * DAY)) return false;
  } else if (personal && offer.skus.length && offer.skus.every((s) => now - (personal.bought[s] ?? -Infinity) < BOUGHT_QUIET_MS)) {
    return false;
  }
  return capsAllow(log.entry(offer.id), offer.caps, now);
}

/**
 * Whether an offer may be shown now under its caps (0: no cap).
 * @param log the offer's recent impressions and last dismissal
 */
export function capsAllow(log: OfferLog | undefined, caps: Caps, now: number): boolean {
  if (!log) return true;
  if (log.dismissedAt && now - log.dismissedAt < caps.dismissCooldownHours * HOUR) return false;
  const within = (ms: number) => log.impressions.reduce((n, t) => (now - t < ms ? n + 1 : n), 0);
  if (caps.perHour && within(HOUR) >= caps.perHour) return false;
  if (caps.perDay && within(24 * HOUR) >= caps.perDay) return false;
  if (caps.perWeek && within(7 * 24 * HOUR) >= caps.perWeek) return false;
  return true;
}


import type { Caps, Offer } from '../../src/protocol/catalog';
import type { RankInput } from './features';
import type { ExposureLog, OfferLog } from '../exposures';
import { HOUR_MS } from '../../src/protocol/time';

const DAY = 24 * HOUR_MS;
/** A product bought within this time is not promoted again (replenishment offers excepted). */
const BOUGHT_QUIET_MS = 180 * DAY;

/**
 * Whether an offer may be shown to this shopper now: its dates, visitor kind, cart
 * conditions, what was bought (replenishment, or a product bought lately), and its caps.
 * @param offer the offer
 * @param input what the decision may know
 * @param log recent exposures, for the caps
 * @returns true when every rule lets it through
 */
export function eligible(offer: Offer, input: RankInput, log: ExposureLog): boolean {
  const { now, cart } = input;
  // A sensitive offer is never targeted by the profile, nor hidden by it.
  const personal = offer.sensitive ? null : input.personal;
  const rules = offer.eligibility;
  if (rules.from !== null && now < rules.from) return false;
  if (rules.until !== null && now >= rules.until) return false;
  // Without a profile every shopper is new to the SDK.
  const returning = (personal?.visits ?? 0) > 1;
  if ((rules.visitor === 'new' && returning) || (rules.visitor === 'returning' && !returning)) return false;
  if (cart.value < rules.cartMinValue) return false;
  if (rules.cartCategories.length && !rules.cartCategories.some((c) => cart.categories.has(c))) return false;
  if (rules.boughtBefore) {
    if (!personal || offer.sensitive) return false;
    const { categories, minDaysAgo } = rules.boughtBefore;
    if (!categories.some((c) => personal.purchases[c] !== undefined && now - personal.purchases[c]! >= minDaysAgo * DAY)) return false;
  } else if (personal && offer.skus.length && offer.skus.every((s) => now - (personal.bought[s] ?? -Infinity) < BOUGHT_QUIET_MS)) {
    return false;
  }
  return capsAllow(log.entry(offer.id), offer.caps, now);
}

/**
 * Whether an offer may be shown now under its caps (0: no cap).
 * @param log the offer's recent impressions and last dismissal
 * @param caps the offer's caps
 * @param now the time of the decision
 * @returns false while a cap or the dismissal cool-down holds
 */
export function capsAllow(log: OfferLog | undefined, caps: Caps, now: number): boolean {
  if (!log) return true;
  if (log.dismissedAt && now - log.dismissedAt < caps.dismissCooldownHours * HOUR_MS) return false;
  const within = (ms: number) => log.impressions.reduce((n, t) => (now - t < ms ? n + 1 : n), 0);
  if (caps.perHour && within(HOUR_MS) >= caps.perHour) return false;
  if (caps.perDay && within(24 * HOUR_MS) >= caps.perDay) return false;
  if (caps.perWeek && within(7 * 24 * HOUR_MS) >= caps.perWeek) return false;
  return true;
}

/**
 * One simulated device: the shopper behind it, the arm and content variants the SDK would give
 * it, and the exposures (impressions, clicks, dismissals, purchases) its visits leave on it.
 * Every effect the dashboard later finds comes from the chances in `BEHAVIOUR`, never from
 * editing counters.
 */
import type { Catalog, Offer } from '../../src/protocol/catalog';
import type { Arm } from '../../src/protocol/decision';
import type { ExposureRecord } from '../../worker/storage/store';
import { assignArm, assignVariant } from '../../worker/arm';
import { pickWeighted } from '../../worker/random';
import { MINUTE_MS } from '../../src/protocol/time';

const HOUR = 60 * MINUTE_MS;
/** The length of a day, and of the simulated devices' report windows. */
export const DAY = 24 * HOUR;

/** How simulated shoppers behave and what the stand-in rankings show them. */
export const BEHAVIOUR = {
  /** Share of shoppers who allow personalization; the others' devices are in the `contextual` arm. */
  personalizationConsent: 0.9,
  /** After each day a shopper visits, the chance they come back on another day of the period. */
  returnChance: 0.2,
  /** Pages with an offer slot seen on a day of visit: from, to (inclusive). */
  pagesPerVisit: [6, 16],
  /** Chance of clicking an offer shown. */
  click: 0.04,
  /** How many times more often a shopper clicks an offer in the category they are into. */
  relevantClickLift: 4,
  /** How many times more often a catalog's content variant is clicked than its offer's default content. */
  variantClickLift: 1.6,
  /** Chance of dismissing an offer shown and not clicked. */
  dismiss: 0.04,
  /** Chance a click ends in a purchase: of something in the shopper's category, of something else. */
  convertRelevant: 0.25,
  convertOther: 0.08,
  /** The typical price (major units) of what an offer without a `price` promotes. */
  defaultPrice: 40,
  /**
   * How much more often each ranking shows an offer in the shopper's category: the personalized
   * ranking knows the profile (sensitive offers excepted), the contextual one only the page.
   * The baseline ranking follows the catalog's priorities.
   */
  personalizedRelevance: 10,
  contextualRelevance: 2,
} as const;

/** A simulated device: what the SDK on it would have decided, and who uses it. */
export interface Device {
  /** The device's local seed, as the SDK keeps it. */
  seed: number;
  arm: Arm;
  /** The category the shopper is into, if the catalog's offers have any. */
  interest: string | undefined;
  /** The content variant of each offer, picked as the engine picks it. */
  variants: Map<string, string>;
  /** The starts of the days the shopper visits, oldest first. */
  days: number[];
}

/** A whole number in [from, to]. */
function between(random: () => number, from: number, to: number): number {
  return from + Math.floor(random() * (to - from + 1));
}

/**
 * The content variant the engine shows this device (as worker/decide/variants.ts picks it): sticky per
 * device and offer, by the catalog's weights.
 */
export function variantFor(offer: Offer, seed: number): string {
  return assignVariant(offer, seed).id;
}

/**
 * Makes a device: its seed, consent, arm (as the SDK assigns it), the shopper's interest, its
 * content variants and the days it is used.
 * @param catalog the validated catalog
 * @param random the population's seeded generator
 * @param dayStarts the starts of the simulated days, oldest first
 */
export function makeDevice(catalog: Catalog, random: () => number, dayStarts: readonly number[]): Device {
  const seed = Math.floor(random() * 2 ** 32) >>> 0;
  const arm = assignArm(catalog, seed, random() < BEHAVIOUR.personalizationConsent);
  // Shoppers are into what the shop promotes: a category of one of its (not sensitive) offers.
  const promoted = catalog.offers.filter((o) => o.categories.length && !o.sensitive);
  const offer = promoted[Math.floor(random() * promoted.length)];
  const interest = offer?.categories[Math.floor(random() * offer.categories.length)];
  const variants = new Map(catalog.offers.map((o) => [o.id, variantFor(o, seed)]));
  const left = [...dayStarts];
  const days: number[] = [];
  do days.push(...left.splice(Math.floor(random() * left.length), 1));
  while (left.length && random() < BEHAVIOUR.returnChance);
  return { seed, arm, interest, variants, days: days.sort((a, b) => a - b) };
}

/** How likely each ranking is to put this offer in front of this shopper. */
function showWeight(offer: Offer, device: Device): number {
  const relevant = device.interest !== undefined && offer.categories.includes(device.interest);
  if (device.arm === 'personalized') return relevant && !offer.sensitive ? BEHAVIOUR.personalizedRelevance : 1;
  if (device.arm === 'contextual') return relevant ? BEHAVIOUR.contextualRelevance : 1;
  return Math.max(1, offer.priority);
}

/**
 * Whether the offer may be shown now: the visitor condition, the offer's dates, its caps and
 * the quiet time after a dismissal. Cart and purchase conditions are taken as met.
 */
function mayShow(offer: Offer, at: number, firstDay: boolean, shown: readonly number[], dismissedAt: number | undefined): boolean {
  const { eligibility: e, caps } = offer;
  if ((e.visitor === 'new' && !firstDay) || (e.visitor === 'returning' && firstDay)) return false;
  if ((e.from !== null && at < e.from) || (e.until !== null && at >= e.until)) return false;
  if (dismissedAt !== undefined && at < dismissedAt + caps.dismissCooldownHours * HOUR) return false;
  const since = (ms: number) => shown.filter((t) => t > at - ms).length;
  return !((caps.perHour && since(HOUR) >= caps.perHour) || (caps.perDay && since(DAY) >= caps.perDay) || (caps.perWeek && since(7 * DAY) >= caps.perWeek));
}

/**
 * What happens on a device over its days: on each page the slot's offer is picked by the
 * device's arm's stand-in ranking; the shopper may click it (more likely when it is in their
 * category, or a content variant), dismiss it, and buy after a click.
 * @returns the exposures the SDK would have recorded, oldest first
 */
export function deviceExposures(catalog: Catalog, device: Device, random: () => number): ExposureRecord[] {
  const slots = [...new Set(catalog.offers.map((o) => o.slot))];
  const bySlot = new Map(slots.map((s) => [s, catalog.offers.filter((o) => o.slot === s)]));
  const shown = new Map<string, number[]>();
  const dismissed = new Map<string, number>();
  const out: ExposureRecord[] = [];
  device.days.forEach((day, d) => {
    const [few, many] = BEHAVIOUR.pagesPerVisit;
    // Pages end an hour before midnight, so what follows a page (a purchase) stays in its day's window.
    const times = Array.from({ length: between(random, few, many) }, () => day + Math.floor(random() * (DAY - HOUR))).sort((a, b) => a - b);
    for (const at of times) {
      const slot = slots[Math.floor(random() * slots.length)]!;
      const candidates = bySlot.get(slot)!.filter((o) => mayShow(o, at, d === 0, shown.get(o.id) ?? [], dismissed.get(o.id)));
      if (!candidates.length) continue;
      const offer =
        candidates[
          pickWeighted(
            candidates.map((o) => showWeight(o, device)),
            random(),
          )
        ]!;
      const variant = device.variants.get(offer.id)!;
      const exposure = { offer: offer.id, variant, arm: device.arm, slot };
      out.push({ ...exposure, kind: 'impression', at });
      shown.set(offer.id, [...(shown.get(offer.id) ?? []), at]);
      const relevant = device.interest !== undefined && offer.categories.includes(device.interest);
      const click = BEHAVIOUR.click * (relevant ? BEHAVIOUR.relevantClickLift : 1) * (variant === 'default' ? 1 : BEHAVIOUR.variantClickLift);
      if (random() < click) {
        out.push({ ...exposure, kind: 'click', at: at + 20_000 });
        if (random() < (relevant ? BEHAVIOUR.convertRelevant : BEHAVIOUR.convertOther)) {
          const items = between(random, 1, 2);
          out.push({ ...exposure, kind: 'conversion', at: at + 10 * MINUTE_MS, value: Math.round((offer.price ?? BEHAVIOUR.defaultPrice) * 100 * items) });
        }
      } else if (random() < BEHAVIOUR.dismiss) {
        out.push({ ...exposure, kind: 'dismiss', at: at + 5_000 });
        dismissed.set(offer.id, at);
      }
    }
  });
  return out.sort((a, b) => a.at - b.at);
}

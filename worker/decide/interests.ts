import type { Interest } from '../../src/protocol/decision';
import { interestStrength, STATED_STRENGTH, topCategories, withStated, withoutCategory, type Profile } from '../profile';
import type { Guard, Store } from '../storage/store';
import { categoryLabel } from './reasons';

/**
 * The interests the shopper sees and edits (`privacy.interests()`): what browsing built,
 * what they stated, and what they muted.
 * @param profile the stored profile, or null without personalization
 * @param now the time of the request
 * @param muted the categories the shopper muted
 * @param labels the catalog's display names of categories
 * @returns browsing interests (strongest first), then stated ones, then muted ones
 */
export function interestsOf(profile: Profile | null, now: number, muted: ReadonlySet<string>, labels: Record<string, string>): Interest[] {
  const label = (category: string) => categoryLabel(labels, category);
  const out: Interest[] = [];
  if (profile) {
    for (const { category } of topCategories(profile, now, 100)) {
      if (muted.has(category) || profile.stated?.[category] !== undefined) continue;
      const strength = Math.round(interestStrength(profile.categories[category], now) * 100) / 100;
      out.push({ category, label: label(category), strength, source: 'browsing' });
    }
    for (const category of Object.keys(profile.stated ?? {})) {
      if (!muted.has(category)) out.push({ category, label: label(category), strength: STATED_STRENGTH, source: 'stated' });
    }
  }
  for (const category of muted) out.push({ category, label: label(category), strength: 0, source: 'muted' });
  return out;
}

/**
 * Takes a muted category out of the profile, the raw signals and the cached decisions.
 * @param store where they are kept
 * @param category the muted category
 * @param guard the profile's guard: a profile another tab's withdrawal just erased is not written back
 */
export async function forgetCategory(store: Store, category: string, guard: Guard): Promise<void> {
  const profile = await store.getProfile();
  if (profile) await store.putProfile(withoutCategory(profile, category), guard);
  await store.deleteSignals((s) => {
    const payload = s.payload as { category?: string; items?: { category: string }[] };
    return payload.category === category || !!payload.items?.some((i) => i.category === category);
  });
  await store.deleteMeta(['decisions']);
}

/**
 * Records an interest the shopper states (`privacy.prefer`) in the stored profile.
 * @param store where the profile is kept
 * @param category the category they like
 * @param now when they said so
 * @param guard the profile's guard
 */
export async function stateInterest(store: Store, category: string, now: number, guard: Guard): Promise<void> {
  await store.putProfile(withStated(await store.getProfile(), category, now), guard);
}

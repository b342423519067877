import type { Interest } from '../src/protocol/decision';
import { interestStrength, STATED_STRENGTH, topCategories, type Profile } from './profile';

/**
 * The interests the shopper sees and edits (`privacy.interests()`): what browsing built,
 * what they stated, and what they muted.
 * @param profile the stored profile, or null without personalization
 * @param labels the catalog's display names of categories
 */
export function interestsOf(profile: Profile | null, now: number, muted: ReadonlySet<string>, labels: Record<string, string>): Interest[] {
  const label = (c: string) => labels[c] ?? c.replace(/[-_]+/g, ' ');
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

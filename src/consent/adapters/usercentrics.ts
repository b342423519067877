import { namesFor, signalOf, whenAvailable, type ConsentAdapter } from '../signal';

const DEFAULTS = { functional: ['functional'], personalization: ['marketing'], measurement: ['analytics'] };

/**
 * Usercentrics. V3: `__ucCmp.getConsentDetails()` and the `UC_CONSENT` event, a category
 * granted when its state is `ALL_ACCEPTED`. V2: `UC_UI.getServicesBaseInfo()`, read at
 * `UC_UI_INITIALIZED` and each `UC_UI_CMP_EVENT`, a category granted when every service in
 * it is. Category slugs are configurable.
 */
export const usercentrics: ConsentAdapter = ({ window: w, options, onSignal }) => {
  const names = namesFor(options, DEFAULTS);
  // biome-ignore lint/suspicious/noExplicitAny: the details of Usercentrics' event, of no published type; every member is checked before use.
  const fromDetails = (details: any, explicit: boolean) => {
    const categories = details?.categories;
    // IMPLICIT is Usercentrics' state before the shopper decided: not a decision.
    if (!categories || typeof categories !== 'object' || details?.consent?.type !== 'EXPLICIT') return;
    onSignal(signalOf((slug) => categories[slug]?.state === 'ALL_ACCEPTED', names, explicit));
  };
  let heard = false;
  const fromV2 = (explicit: boolean) => {
    const ui = w.UC_UI;
    if (!ui?.isInitialized?.() || ui.isConsentRequired?.() === true) return;
    const services = (ui.getServicesBaseInfo?.() ?? []) as { categorySlug?: string; consent?: { status?: boolean } }[];
    onSignal(
      signalOf(
        (slug) => {
          const inCategory = services.filter((s) => s.categorySlug === slug);
          return inCategory.length > 0 && inCategory.every((s) => s.consent?.status === true);
        },
        names,
        explicit,
      ),
    );
  };
  const onV3 = (e: Event) => {
    cancel();
    heard = true;
    fromDetails((e as CustomEvent).detail, true);
  };
  const onV2Ready = () => fromV2(false);
  // Only the shopper's decisions, not the banner being shown.
  const onV2Change = (e: Event) => {
    if (!['ACCEPT_ALL', 'DENY_ALL', 'SAVE'].includes((e as CustomEvent).detail?.type)) return;
    cancel();
    fromV2(true);
  };
  w.addEventListener('UC_CONSENT', onV3);
  w.addEventListener('UC_UI_INITIALIZED', onV2Ready);
  w.addEventListener('UC_UI_CMP_EVENT', onV2Change);
  const cancel = whenAvailable(
    () => w.__ucCmp?.getConsentDetails || w.UC_UI?.isInitialized?.(),
    () =>
      w.__ucCmp?.getConsentDetails
        ? Promise.resolve(w.__ucCmp.getConsentDetails()).then(
            (d) => heard || fromDetails(d, false),
            () => undefined,
          )
        : fromV2(false),
    options.waitMs,
  );
  return () => {
    cancel();
    w.removeEventListener('UC_CONSENT', onV3);
    w.removeEventListener('UC_UI_INITIALIZED', onV2Ready);
    w.removeEventListener('UC_UI_CMP_EVENT', onV2Change);
  };
};

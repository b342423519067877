import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Vitrine } from 'vitrine';
import type { EngineKind } from '../../src/protocol/engine';
import { LAST_OFFERS_MAX_SLOTS } from '../../src/protocol/decision';
import { catalogUrlOf, closeShopPages, openShopPage, publishSite, type ShopWindow } from './shop-page';

/*
 * The page's copy of each slot's last offers (src/last-offers.ts), as a shop gets it: the pasted
 * snippet and vitrine.js from dist/, each page in an iframe of its own, on this origin (so the
 * test reads the same localStorage). A returning shopper's offers are painted before the
 * engine has started, under the decisions' consent, and erased with them.
 */

const SLOT = 'home-hero';

afterEach(closeShopPages);

interface Shop {
  v: Vitrine;
  window: ShopWindow;
  /** The offers the slot shows, by id. */
  shown(): string[];
}

const SETUPS: { engine: EngineKind; page: string }[] = [
  { engine: 'worker', page: 'shipped.html' },
  { engine: 'inline', page: 'shipped-csp.html' },
];

/** Publishes a catalog for a fresh site. */
const newSite = async (): Promise<string> => (await publishSite('last-offers')).site;

/** Opens a page of the shop that renders the slot, and waits for `ready`. */
async function openPage(page: string, site: string, extra: Record<string, string> = {}): Promise<Shop> {
  const w = await openShopPage(page, { site, catalog: catalogUrlOf(site), render: SLOT, ...extra });
  const shown = () => [...w.document.querySelectorAll('#slot .vitrine-offer')].map((a) => (a as HTMLElement).dataset.vitrineOffer!);
  return { v: w.shopReady!, window: w, shown };
}

/** A second element for the slot, beside the one the page renders into. */
function otherElement(shop: Shop): HTMLElement {
  const element = shop.window.document.createElement('section');
  shop.window.document.body.append(element);
  return element;
}

const copyOf = (site: string): Record<string, { id: string }[]> | null => JSON.parse(localStorage.getItem(`vitrine:${site}:offers`) ?? 'null');

/** Waits until the slot shows the engine's answer: a decide() asked after it is answered after it. */
async function engineAnswered(shop: Shop): Promise<string[]> {
  const offers = await shop.v.decide(SLOT, { limit: 2 });
  await vi.waitFor(() => expect(shop.shown()).toEqual(offers.map((d) => d.id)));
  return offers.map((d) => d.id);
}

describe.each(SETUPS)('the last offers, painted before the engine starts, engine $engine', ({ engine, page }) => {
  it('paints a returning shopper’s last offers before the engine has started, and the engine confirms them in place', async () => {
    const site = await newSite();
    const first = await openPage(page, site);
    expect(first.v.state().engine).toBe(engine);
    // The first visit: nothing to paint before the engine, and nothing kept before consent.
    expect(first.window.offerAtReady).toBeNull();
    await vi.waitFor(() => expect(first.shown()).toHaveLength(2));
    expect(copyOf(site)).toBeNull();
    await first.v.consent.set({ personalization: true });
    first.v.track('product_view', { sku: 'TR-1', category: 'trail-running', price: 90 });
    await first.v.flush();
    // A personalized answer, painted and kept.
    const handle = await first.v.render(SLOT, otherElement(first), { limit: 2 });
    await handle.refresh();
    const ids = handle.offers.map((d) => d.id);
    expect(copyOf(site)?.[SLOT]?.map((d) => d.id)).toEqual(ids);

    const next = await openPage(page, site);
    // Painted before `ready`, so before the engine had started.
    const painted = next.window.offerAtReady as HTMLElement | null;
    expect(painted?.dataset.vitrineOffer).toBe(ids[0]);
    const changes: MutationRecord[] = [];
    new next.window.MutationObserver((records: MutationRecord[]) => changes.push(...records)).observe(next.window.document.querySelector('#slot')!, { childList: true, subtree: true });
    expect(await engineAnswered(next)).toEqual(ids);
    // Confirmed in place: the same nodes, no repaint.
    expect(next.window.document.querySelector('#slot .vitrine-offer')).toBe(painted);
    expect(changes).toEqual([]);
  });

  it('keeps nothing without personalization, erases the copy on withdrawal and on forget, and exports it', async () => {
    const site = await newSite();
    const shop = await openPage(page, site);
    await shop.v.consent.set({ functional: true, measurement: true });
    await engineAnswered(shop);
    await (await shop.v.render(SLOT, otherElement(shop))).refresh();
    expect(copyOf(site)).toBeNull();

    await shop.v.consent.set({ personalization: true });
    const handle = await shop.v.render(SLOT, otherElement(shop), { limit: 2 });
    await handle.refresh();
    const ids = handle.offers.map((d) => d.id);
    expect(copyOf(site)?.[SLOT]?.map((d) => d.id)).toEqual(ids);
    const data = await shop.v.privacy.export();
    expect(data.page?.lastOffers[SLOT]?.map((d) => d.id)).toEqual(ids);
    expect(data.kept).toContainEqual({ data: 'lastOffers', purposes: ['personalization'], days: null, maxRecords: LAST_OFFERS_MAX_SLOTS });

    await shop.v.consent.set({ personalization: false });
    expect(copyOf(site)).toBeNull();
    await handle.refresh();
    expect(copyOf(site)).toBeNull();

    await shop.v.consent.set({ personalization: true });
    await handle.refresh();
    expect(copyOf(site)).not.toBeNull();
    await shop.v.privacy.forget();
    expect(copyOf(site)).toBeNull();
  });

  it('drops a dismissed offer from the copy, and erases the copy when another tab withdraws or a start finds no personalization', async () => {
    const site = await newSite();
    const a = await openPage(page, site);
    await a.v.consent.set({ personalization: true });
    const element = otherElement(a);
    const handle = await a.v.render(SLOT, element, { limit: 2 });
    await handle.refresh();
    const [dismissed, kept] = handle.offers.map((d) => d.id);
    element.querySelector<HTMLButtonElement>(`[data-vitrine-offer="${dismissed}"] .vitrine-dismiss`)!.click();
    expect(copyOf(site)?.[SLOT]?.map((d) => d.id)).toEqual([kept]);

    const b = await openPage(page, site);
    await b.v.consent.set({ personalization: false });
    expect(copyOf(site)).toBeNull();
    // Tab A hears of it and keeps nothing more.
    await vi.waitFor(() => expect(a.v.consent.get().purposes.personalization).toBe(false), { timeout: 10_000 });
    await handle.refresh();
    expect(copyOf(site)).toBeNull();

    // A copy left behind (written by a tab that had not heard yet) goes at the next start, and
    // the engine's answer replaces what was painted from it.
    const left = { id: 'yoga-mat', slot: SLOT, variant: 'default', content: { title: 'Left behind' }, score: 1, reasons: ['Because you looked at yoga'], arm: 'personalized', explored: false };
    localStorage.setItem(`vitrine:${site}:offers`, JSON.stringify({ [SLOT]: [left] }));
    const c = await openPage(page, site);
    expect(copyOf(site)).toBeNull();
    await engineAnswered(c);
    expect(c.window.document.querySelector('#slot')!.textContent).not.toContain('Left behind');
  });

  it('keeps the slot’s answer when the shopper’s consent was queued before the slot', async () => {
    const site = await newSite();
    // consent.set is queued before render: the slot's answer comes under it, so it is kept.
    const shop = await openPage(page, site, { consent: 'personalization' });
    await vi.waitFor(() => expect(copyOf(site)?.[SLOT]?.map((d) => d.id)).toEqual(shop.shown()));
    expect(shop.v.consent.get().purposes.personalization).toBe(true);
  });
});

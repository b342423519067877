import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Vitrine } from 'vitrine';
import type { EngineKind } from '../../src/protocol/engine';
import { LAST_OFFERS_MAX_BYTES, LAST_OFFERS_MAX_SLOTS } from '../../src/protocol/decision';
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

/** The page's copy as stored (one entry per slot, the oldest first), by slot; null when there is none. */
function copyOf(site: string): Record<string, { id: string; arm: string }[]> | null {
  const copy: { slot: string; offers: { id: string; arm: string }[] }[] | null = JSON.parse(localStorage.getItem(`vitrine:${site}:offers`) ?? 'null');
  return copy && Object.fromEntries(copy.map((entry) => [entry.slot, entry.offers]));
}

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
    expect(data.kept).toContainEqual({ data: 'lastOffers', purposes: ['personalization'], days: null, maxRecords: LAST_OFFERS_MAX_SLOTS, maxBytes: LAST_OFFERS_MAX_BYTES });

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
    localStorage.setItem(`vitrine:${site}:offers`, JSON.stringify([{ slot: SLOT, offers: [left] }]));
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
    // Decided under that consent, not before it was applied (that answer would be contextual).
    expect(copyOf(site)?.[SLOT]?.map((d) => d.arm)).toEqual(shop.shown().map(() => 'personalized'));
    // A decision asked for right after a consent change, without waiting for it, is made under it.
    void shop.v.consent.set({ personalization: false });
    expect((await shop.v.decide(SLOT, { limit: 1 })).map((d) => d.arm)).toEqual(['contextual']);
    void shop.v.consent.set({ personalization: true });
    expect((await shop.v.decide(SLOT, { limit: 1 })).map((d) => d.arm)).toEqual(['personalized']);
  });

  it('records a click on an offer painted from the copy with the engine’s decision, which confirmed it', async () => {
    const site = await newSite();
    const first = await openPage(page, site);
    await first.v.consent.set({ personalization: true, measurement: true });
    // As many offers as the page's slot shows (2).
    const decisions = await first.v.decide(SLOT, { limit: 2 });
    const decision = decisions[0];
    // The copy says another arm (as a copy from before a holdout started would); the engine's answer shows the same offers.
    localStorage.setItem(`vitrine:${site}:offers`, JSON.stringify([{ slot: SLOT, offers: decisions.map((d) => ({ ...d, arm: 'baseline' })) }]));
    const next = await openPage(page, site);
    const painted = next.window.offerAtReady as HTMLElement | null;
    expect(painted?.dataset.vitrineOffer).toBe(decision!.id);
    await vi.waitFor(() => expect(copyOf(site)?.[SLOT]?.map((d) => d.arm)).toEqual(['personalized', 'personalized']));
    // Confirmed in place: the node painted from the copy is still the one shown.
    expect(next.window.document.querySelector('#slot .vitrine-offer')).toBe(painted);
    painted!.querySelector<HTMLButtonElement>('.vitrine-dismiss')!.click();
    await vi.waitFor(async () => {
      const exposures = (await next.v.privacy.export()).stores.exposures as { offer: string; kind: string; arm: string }[];
      expect(exposures.filter((e) => e.kind === 'dismiss')).toEqual([expect.objectContaining({ offer: decision!.id, arm: 'personalized' })]);
    });
  });

  it('empties what it painted from the copy when the engine cannot start', async () => {
    const site = await newSite();
    const left = { id: 'yoga-mat', slot: SLOT, variant: 'default', content: { title: 'From the copy' }, score: 1, reasons: ['Featured by the shop'], arm: 'personalized', explored: false };
    localStorage.setItem(`vitrine:${site}:offers`, JSON.stringify([{ slot: SLOT, offers: [left] }]));
    // An engine script that comes late and is no script: the Worker, the blob: Worker and the in-thread engine all fail.
    const engineUrl = catalogUrlOf(`${site}-engine.js`);
    const res = await fetch(`${engineUrl}?delay=3000`, { method: 'PUT', body: '{"not": "an engine"}' });
    expect(res.status).toBe(204);
    const w = await openShopPage(page, { site, catalog: catalogUrlOf(site), render: SLOT, workerUrl: engineUrl }, false);
    const titles = () => [...w.document.querySelectorAll('#slot .vitrine-title')].map((h) => h.textContent);
    await vi.waitFor(() => expect(titles()).toEqual(['From the copy']), { timeout: 3000 });
    // Without an engine no consent allows the copy's offers: they go rather than stay for good.
    await vi.waitFor(() => expect(titles()).toEqual([]), { timeout: 20_000 });
    // `ready` fires all the same, on the page's stand-in, which says why.
    await vi.waitFor(() => expect(w.shopReady?.state().engine).toBe('none'), { timeout: 10_000 });
    expect(w.shopReady!.state().notes.join('\n')).toContain('answered application/json, not JavaScript');
  });

  it('keeps the oldest slots out first, whatever their names', async () => {
    const site = await newSite();
    const shop = await openPage(page, site);
    await shop.v.consent.set({ personalization: true });
    const element = otherElement(shop);
    // Integer-like names go first in an object's keys: the copy's order must still be its age.
    const slots = ['9', 'home-hero', '10', ...Array.from({ length: LAST_OFFERS_MAX_SLOTS }, (_, i) => `slot-${i}`)];
    for (const slot of slots) await (await shop.v.render(slot, element, { limit: 1 })).refresh();
    expect(Object.keys(copyOf(site)!).sort()).toEqual(slots.slice(-LAST_OFFERS_MAX_SLOTS).sort());
  });
});

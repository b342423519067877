import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { createElement, type ReactNode } from 'react';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import { createVitrine, type Vitrine } from 'vitrine';
import { OfferSlot, VitrineProvider, useCart, useConsent, useOffers } from 'vitrine/react';
import { publishSite } from './shop-page';

/*
 * vitrine/react in each engine, built (dist/react.mjs). A slot rendered on the server (in Node,
 * react-dom/server) is painted by its inline script from the device's last offers before
 * hydration; hydration warns of nothing; the SDK then renders the same offers, and the slot's
 * neighbours never move. The hooks follow consent, the cart and the offers.
 */

const WORKER = '/dist/vitrine-worker-offers.js';
const SLOT = 'home-hero';
const HEIGHT = 600;

const roots: Root[] = [];
const made: Vitrine[] = [];
const hosts: HTMLElement[] = [];

afterEach(async () => {
  for (const root of roots.splice(0)) root.unmount();
  for (const v of made.splice(0)) await v.destroy();
  for (const host of hosts.splice(0)) host.remove();
  vi.restoreAllMocks();
});

const host = () => {
  const element = document.createElement('div');
  document.body.append(element);
  hosts.push(element);
  return element;
};

/** A site whose shopper came before: personalization accepted and the slot's offers rendered (so the page kept its copy). */
async function returningShopper(): Promise<{ options: { siteId: string; workerUrl: string; catalogUrl: string }; offers: string[] }> {
  const { site, catalogUrl } = await publishSite('react');
  const options = { siteId: site, workerUrl: WORKER, catalogUrl };
  const v = await createVitrine(options);
  await v.consent.set({ functional: true, personalization: true, measurement: false });
  const slot = await v.render(SLOT, host(), { limit: 2 });
  await slot.refresh();
  const offers = slot.offers.map((d) => d.id);
  expect(offers.length).toBeGreaterThan(0);
  await v.destroy();
  return { options, offers };
}

/** Inserts server HTML the way the parser does: its scripts run as they are inserted. */
function parse(into: HTMLElement, html: string): void {
  into.append(document.createRange().createContextualFragment(html));
}

const shown = (element: ParentNode) => [...element.querySelectorAll('.vitrine-offer')].map((a) => (a as HTMLElement).dataset.vitrineOffer);

describe('OfferSlot rendered on the server', () => {
  it('is painted from the device before hydration, hydrates without a warning, and the SDK changes nothing the shopper sees', async () => {
    const { options, offers } = await returningShopper();
    const tree = { options, nonce: 'r4nd0m', slots: [{ slot: SLOT, height: HEIGHT, limit: 2 }] };
    const html = await commands.renderReactServer(tree);
    // The server reserves the slot's size and pastes the pre-paint script with the nonce.
    expect(html).toMatch(new RegExp(`<div style="height:${HEIGHT}px;overflow:hidden" data-vitrine-slot-host="${SLOT}"></div><script nonce="r4nd0m"`));

    const page = host();
    parse(page, `${html}<p id="below">Below the slot</p>`);
    // Painted as the page is parsed, before any of the app's code has run.
    expect(shown(page)).toEqual(offers);
    const below = page.querySelector('#below')!;
    const top = below.getBoundingClientRect().top;

    const logged: string[] = [];
    for (const level of ['error', 'warn'] as const) vi.spyOn(console, level).mockImplementation((...args) => void logged.push(args.map(String).join(' ')));
    const recoverable: unknown[] = [];
    const app = (): ReactNode => createElement(VitrineProvider, { options, nonce: 'r4nd0m' }, createElement(OfferSlot, { slot: SLOT, height: HEIGHT, limit: 2 }));
    roots.push(hydrateRoot(page, [app(), createElement('p', { id: 'below', key: 'below' }, 'Below the slot')], { onRecoverableError: (error) => void recoverable.push(error) }));

    // The SDK's renderer takes the slot over (a region of its own, with its listeners)…
    const painted = page.querySelector('.vitrine-slot');
    await vi.waitFor(() => expect(page.querySelector('.vitrine-slot')).not.toBe(painted), { timeout: 15_000 });
    // …with the same offers, then the engine's ranking, which ranks them the same here.
    await vi.waitFor(() => expect(shown(page)).toEqual(offers), { timeout: 15_000 });
    expect(recoverable).toEqual([]);
    expect(logged.filter((line) => /hydrat|did not match|mismatch/i.test(line))).toEqual([]);
    expect(below.getBoundingClientRect().top).toBe(top);
    expect(page.querySelector('#below')).toBe(below);
  });

  it('paints nothing for a shopper who has not accepted personalization, and keeps nothing', async () => {
    const { site, catalogUrl } = await publishSite('react-new');
    const options = { siteId: site, workerUrl: WORKER, catalogUrl };
    const page = host();
    parse(page, await commands.renderReactServer({ options, slots: [{ slot: SLOT, height: HEIGHT }] }));
    expect(shown(page)).toEqual([]);
    roots.push(hydrateRoot(page, createElement(VitrineProvider, { options }, createElement(OfferSlot, { slot: SLOT, height: HEIGHT }))));
    // The engine's contextual offers are shown, and not kept: no page copy without consent.
    await vi.waitFor(() => expect(shown(page).length).toBeGreaterThan(0), { timeout: 15_000 });
    expect(localStorage.getItem(`vitrine:${site}:offers`)).toBeNull();
  });
});

describe('the hooks', () => {
  it('follow consent, the cart and the offers', async () => {
    const { site, catalogUrl } = await publishSite('react-hooks');
    const options = { siteId: site, workerUrl: WORKER, catalogUrl };
    const seen: { consent?: boolean; items?: number; offers?: string[]; set?: unknown; add?: unknown } = {};
    function Probe(): ReactNode {
      const { consent, set } = useConsent();
      const { cart, actions } = useCart();
      const { offers } = useOffers(SLOT, { limit: 2 });
      Object.assign(seen, { consent: consent?.purposes.personalization, items: cart?.items.length, offers: offers?.map((d) => d.id), set, add: actions?.add });
      return createElement('p', null, `${cart?.items.length ?? 0} in the cart`);
    }
    const root = createRoot(host());
    roots.push(root);
    root.render(createElement(VitrineProvider, { options }, createElement(Probe)));
    await vi.waitFor(() => expect(seen.consent).toBe(false), { timeout: 15_000 });
    await vi.waitFor(() => expect(seen.offers?.length).toBeGreaterThan(0), { timeout: 15_000 });
    await (seen.set as Vitrine['consent']['set'])({ functional: true, personalization: true });
    await vi.waitFor(() => expect(seen.consent).toBe(true));
    await (seen.add as Vitrine['cart']['add'])({ sku: 'TR-1', qty: 2, price: 89, category: 'trail-running' });
    await vi.waitFor(() => expect(seen.items).toBe(1));
  });

  it('say where they belong when used outside a provider', () => {
    function Lost(): ReactNode {
      useOffers(SLOT);
      return null;
    }
    const errors: string[] = [];
    const root = createRoot(host(), { onUncaughtError: (error) => void errors.push((error as Error).message) });
    roots.push(root);
    root.render(createElement(Lost));
    return vi.waitFor(() => expect(errors).toEqual(['vitrine/react: put this component inside a <VitrineProvider>']));
  });
});

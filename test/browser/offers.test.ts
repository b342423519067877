import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { createVitrine, type Vitrine } from 'vitrine';
import { testCatalog, holdout } from '../fixtures/catalog';

const WORKER = '/dist/vitrine-worker.js';
const cdn = inject('cdn');
let running: Vitrine[] = [];
let n = 0;
let name: string;

async function publish(doc: unknown, delayMs = 0): Promise<string> {
  const res = await fetch(`${cdn}/c/${name}?delay=${delayMs}`, { method: 'PUT', body: JSON.stringify(doc) });
  expect(res.status).toBe(204);
  return `${cdn}/c/${name}`;
}

async function start(extra: Record<string, unknown> = {}): Promise<Vitrine> {
  const v = await createVitrine({ siteId: 'test-shop', workerUrl: WORKER, catalogUrl: `${cdn}/c/${name}`, ...extra });
  running.push(v);
  return v;
}

function host(): HTMLElement {
  const div = document.createElement('div');
  document.body.append(div);
  return div;
}

async function exposures(v: Vitrine) {
  return (await v.privacy.export()).stores.exposures as { offer: string; kind: string; arm: string }[];
}

beforeEach(async () => {
  name = `offers-${Date.now().toString(36)}-${n++}`;
  await publish(testCatalog());
  indexedDB.deleteDatabase('vitrine:test-shop');
});
afterEach(async () => {
  for (const v of running) await v.destroy();
  running = [];
  document.body.replaceChildren();
  await new Promise((resolve) => {
    const r = indexedDB.deleteDatabase('vitrine:test-shop');
    r.onsuccess = r.onerror = r.onblocked = resolve;
  });
});

describe('decide in the engine worker', () => {
  it('loads the decide chunk on demand and ranks', async () => {
    const v = await start();
    const d = await v.decide('home-hero', { limit: 2 });
    expect(d.map((x) => x.id)).toEqual(['yoga-mat', 'gift-card']);
    // The version comes by event, on another channel than decide's answer: in Firefox it may come a moment later.
    await vi.waitFor(() => expect(v.state().catalogVersion).toBe('2026-11-22.1'));
  });

  it('after browsing trail running shoes, the trail offer rises and says why', async () => {
    const v = await start();
    await v.consent.set({ personalization: true });
    for (let i = 0; i < 3; i++) v.track('product_view', { sku: 'TR-1', category: 'trail-running' });
    const [top] = await v.decide('home-hero', { limit: 1 });
    expect(top).toMatchObject({ id: 'trail-10', reasons: ['Because you looked at trail running shoes this week'] });
  });

  it('keeps the device seed, so its holdout bucket, across reloads', async () => {
    await publish(
      testCatalog({
        experiments: [holdout(50, 50)],
      }),
    );
    const seen: { seed: unknown; arm: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const v = await start();
      if (i === 0) await v.consent.set({ personalization: true });
      const [top] = await v.decide('home-hero', { limit: 1 });
      const meta = (await v.privacy.export()).stores.meta as { key: string; value: unknown }[];
      seen.push({ seed: meta.find((m) => m.key === 'seed')?.value, arm: top!.arm });
      await v.destroy();
      running = [];
    }
    expect(typeof seen[0]!.seed).toBe('number');
    expect(new Set(seen.map((x) => x.seed)).size).toBe(1);
    expect(new Set(seen.map((x) => x.arm)).size).toBe(1);
  });

  it('gives the baseline arm the baseline order, whatever the profile says', async () => {
    await publish(
      testCatalog({
        experiments: [holdout(0, 100)],
      }),
    );
    const v = await start();
    await v.consent.set({ personalization: true });
    for (let i = 0; i < 3; i++) v.track('product_view', { sku: 'TR-1', category: 'trail-running' });
    const d = await v.decide('home-hero', { limit: 4 });
    expect(d.map((x) => [x.id, x.arm])).toEqual([
      ['yoga-mat', 'baseline'],
      ['gift-card', 'baseline'],
      ['trail-10', 'baseline'],
      ['vitamins', 'baseline'],
    ]);
  });

  it('caps hold across two pages, each with its own worker', async () => {
    const a = await start();
    await a.consent.set({ functional: true });
    const b = await start();
    const shown = await b.decide('home-hero', {});
    expect(shown.map((x) => x.id)).toContain('trail-10');
    // Page a shows the offer three times (its cap is 3 a day); page b then stops showing it.
    for (let i = 1; i <= 3; i++) {
      const handle = await a.render('home-hero', host(), { limit: 4, impressionDelayMs: 0 });
      expect(handle.offers.map((x) => x.id)).toContain('trail-10');
      await vi.waitFor(async () => expect((await exposures(a)).filter((e) => e.offer === 'trail-10')).toHaveLength(i));
      handle.destroy();
    }
    await vi.waitFor(async () => expect((await b.decide('home-hero', {})).map((x) => x.id)).not.toContain('trail-10'));
  });

  it('refuses an invalid catalog with a path-precise reason', async () => {
    await publish({ ...testCatalog({ version: 'broken' }), offers: [{ id: 'x', slot: 'home-hero', content: { title: 'x', cta: { label: 'x', href: 'javascript:alert(1)' } } }] });
    const again = await start();
    await expect(again.decide('home-hero', {})).rejects.toMatchObject({ code: 'catalog-unavailable', message: expect.stringContaining('offers[0] (x).content.cta.href') });
  });
});

describe('render', () => {
  const XSS = [
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=2</script>',
    '"><svg/onload=window.__xss=3>',
    "<a href='javascript:window.__xss=4'>click</a>",
    '&lt;b&gt;entity&lt;/b&gt;',
  ];

  it('renders catalog strings as text: an XSS corpus stays inert', async () => {
    const offers = XSS.map((text, i) => ({
      id: `x${i}`,
      slot: 'xss',
      categories: [`cat${i}`],
      content: { title: text, body: text, imageAlt: text, image: '/img.svg', cta: { label: text, href: '/safe' } },
      priority: 10 - i,
    }));
    await publish(testCatalog({ offers, categoryLabels: Object.fromEntries(XSS.map((t, i) => [`cat${i}`, t])) }));
    const v = await start();
    await v.cart.add({ sku: 'A', qty: 1, price: 1, category: 'cat0' });
    const el = host();
    await v.render('xss', el, { limit: 5 });
    const articles = el.querySelectorAll('article');
    expect(articles).toHaveLength(5);
    articles.forEach((a, i) => {
      expect(a.querySelector('h3')!.textContent).toBe(XSS[i]);
      expect(a.querySelector('.vitrine-body')!.textContent).toBe(XSS[i]);
      expect(a.querySelector('.vitrine-cta')!.textContent).toBe(XSS[i]);
      expect(a.querySelector('img')!.getAttribute('alt')).toBe(XSS[i]);
    });
    expect(el.querySelectorAll('script, svg, iframe, [onerror], [onload], a[href^="javascript"]')).toHaveLength(0);
    expect(el.querySelector('li')!.textContent).toBe(`Because you have ${XSS[0]} in your cart`);
    await new Promise((r) => setTimeout(r, 50));
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  });

  it('is labelled and works with the keyboard: why-disclosure and dismiss', async () => {
    const v = await start();
    await v.consent.set({ functional: true });
    const el = host();
    await v.render('home-hero', el, { limit: 2, label: 'Picked for you' });
    const region = el.querySelector('section')!;
    expect(region.getAttribute('aria-label')).toBe('Picked for you');
    const first = region.querySelector('article')!;
    expect(document.getElementById(first.getAttribute('aria-labelledby')!)!.textContent).toBe('A new yoga mat');
    const dismiss = first.querySelector('button')!;
    expect(dismiss.getAttribute('aria-label')).toBe('Dismiss offer: A new yoga mat');

    (first.querySelector('.vitrine-cta') as HTMLElement).focus();
    await userEvent.tab();
    expect(document.activeElement!.tagName).toBe('SUMMARY');
    await commands.pressKey('Enter');
    expect(first.querySelector('details')!.open).toBe(true);
    await userEvent.tab();
    expect(document.activeElement).toBe(dismiss);
    await commands.pressKey('Enter');
    expect(region.querySelectorAll('article')).toHaveLength(1);
    // Focus stays in the offers, on the next one.
    expect(region.contains(document.activeElement)).toBe(true);
    await vi.waitFor(async () => expect((await exposures(v)).map((e) => [e.offer, e.kind])).toContainEqual(['yoga-mat', 'dismiss']));
    expect((await v.decide('home-hero', {})).map((x) => x.id)).not.toContain('yoga-mat');
  });

  it('records an impression only once an offer has been half visible for the delay', async () => {
    const v = await start();
    await v.consent.set({ measurement: true });
    const hidden = host();
    hidden.style.cssText = 'position:absolute; top:5000px';
    await v.render('home-hero', hidden, { limit: 1, impressionDelayMs: 200 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await exposures(v)).toEqual([]);
    hidden.style.top = '0px';
    await vi.waitFor(async () => expect((await exposures(v)).map((e) => [e.offer, e.kind])).toEqual([['yoga-mat', 'impression']]));
  });

  it('records a click before following the link', async () => {
    await publish(testCatalog({ offers: [{ id: 'go', slot: 's', content: { title: 'Go', cta: { label: 'Go there', href: '#went-there' } } }] }));
    const v = await start();
    await v.consent.set({ measurement: true });
    const el = host();
    await v.render('s', el);
    (el.querySelector('.vitrine-cta') as HTMLAnchorElement).click();
    await vi.waitFor(() => expect(location.hash).toBe('#went-there'));
    expect((await exposures(v)).map((e) => [e.offer, e.kind])).toContainEqual(['go', 'click']);
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('paints the last decision at once, before the engine has answered', async () => {
    const v = await start();
    await v.consent.set({ personalization: true });
    await v.decide('home-hero', { limit: 2 });
    await v.destroy();
    running = [];
    // Take the cached catalog away (keeping the cached decision) and make the CDN slow:
    // the engine cannot answer for 1.5 s, the page must not wait for it.
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open('vitrine:test-shop');
      r.onsuccess = () => resolve(r.result);
    });
    await new Promise((resolve) => {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').delete('catalog');
      tx.oncomplete = resolve;
    });
    db.close();
    await publish(testCatalog({ version: 'v2', offers: [{ id: 'fresh', slot: 'home-hero', content: { title: 'Fresh' } }] }), 1500);
    const again = await start();
    const el = host();
    let answered = false;
    const rendering = again.render('home-hero', el, { limit: 2 }).then((h) => ((answered = true), h));
    await vi.waitFor(() => expect(el.querySelectorAll('article')).toHaveLength(2), { timeout: 1000 });
    expect(answered).toBe(false);
    expect([...el.querySelectorAll('h3')].map((h) => h.textContent)).toEqual(['A new yoga mat', 'Gift cards']);
    const handle = await rendering;
    expect(handle.offers.map((x) => x.id)).toEqual(['fresh']);
    expect([...el.querySelectorAll('h3')].map((h) => h.textContent)).toEqual(['Fresh']);
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../server/app';
import { CATEGORIES, PRODUCTS, featuredProducts, searchProducts } from '../../server/demo/products';
import { VITRINE_INIT } from '../../server/demo/layout';
import { validateCatalog } from '../../src/protocol/validate-catalog';

const app = createApp({ root: process.cwd(), demo: true });
const snippet = readFileSync(join(process.cwd(), 'dist/snippet.min.js'), 'utf8').trim();

/** The JSON a page gives its script in a `<script type="application/json" id=…>` element. */
function jsonIn(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`).exec(html);
  expect(m, id).not.toBeNull();
  return JSON.parse(m![1]!);
}

describe('demo storefront pages', () => {
  it('has about 30 products in six categories, each SKU once', () => {
    expect(CATEGORIES).toHaveLength(6);
    expect(PRODUCTS).toHaveLength(30);
    expect(new Set(PRODUCTS.map((p) => p.sku)).size).toBe(30);
    for (const c of CATEGORIES) expect(PRODUCTS.filter((p) => p.category === c.id)).toHaveLength(5);
  });

  it.each(['/', '/c/yoga', '/p/TR-100', '/search?q=trail', '/cart', '/checkout', '/order', '/privacy'])(
    '%s: a whole page with the snippet inline, Vitrine started as the README says, and the navigation',
    async (path) => {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(snippet);
      expect(html).toContain(VITRINE_INIT);
      expect(html).toMatch(/<html lang="en">/);
      for (const c of CATEGORIES) expect(html).toContain(`href="/c/${c.id}"`);
      expect(html).toContain('<script src="/demo/vendor/cookieconsent.umd.js" defer></script>');
      expect(html).toContain('data-cc="show-preferencesModal">Privacy settings</button>');
    },
  );

  it('tells Vitrine what each page is about', async () => {
    const product = await (await app.request('/p/TR-100')).text();
    expect(jsonIn(product, 'page-facts')).toEqual({
      track: { type: 'product_view', payload: { sku: 'TR-100', category: 'trail-running', name: 'Trail runner', brand: 'Ridge', price: 89, currency: 'EUR' } },
      context: { category: 'trail-running', sku: 'TR-100' },
    });
    expect(product).toContain('data-slot="product-also"');
    const category = await (await app.request('/c/coffee')).text();
    expect(jsonIn(category, 'page-facts')).toMatchObject({ track: { type: 'category_view', payload: { category: 'coffee' } } });
    expect(category.match(/aria-label="Add to cart: [^"]+"/g)).toHaveLength(5);
    const home = await (await app.request('/')).text();
    expect(home).toContain('data-slot="home-hero"');
    expect([...home.matchAll(/<a href="\/p\/([A-Z]+-\d+)">/g)].map((m) => m[1])).toEqual(featuredProducts().map((p) => p.sku));
  });

  it('searches the shop, and escapes the query wherever the page shows it', async () => {
    expect(searchProducts('coffee beans').map((p) => p.sku)).toEqual(['CF-100', 'CF-200', 'CF-300']);
    const html = await (await app.request(`/search?q=${encodeURIComponent('</script><img src=x onerror=alert(1)>')}`)).text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('0 results for');
    expect(jsonIn(html, 'page-facts')).toMatchObject({ track: { type: 'search', payload: { query: '</script><img src=x onerror=alert(1)>' } } });
  });

  it("serves the consent banner from the project's own files, and nothing else from node_modules", async () => {
    const script = await app.request('/demo/vendor/cookieconsent.umd.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('CookieConsent 3.1.0');
    expect((await app.request('/demo/vendor/cookieconsent.css')).status).toBe(200);
    for (const path of ['/demo/vendor/package.json', '/demo/vendor/cookieconsent.esm.js', '/demo/vendor/..%2F..%2Fpackage.json']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it.each(['/c/nope', '/p/NOPE-1', '/p/', '/c/'])('answers 404 to %s', async (path) => {
    expect((await app.request(path)).status).toBe(404);
  });

  it('ships a catalog whose offers point at pages and products the shop has', async () => {
    const catalog = validateCatalog(JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8')));
    const slots = new Set(catalog.offers.map((o) => o.slot));
    expect([...slots].sort()).toEqual(['cart', 'home-hero', 'order', 'product-also']);
    for (const offer of catalog.offers) {
      for (const sku of offer.skus ?? [])
        expect(
          PRODUCTS.map((p) => p.sku),
          offer.id,
        ).toContain(sku);
      const href = offer.content.cta?.href;
      if (href) expect((await app.request(href)).status, `${offer.id}: ${href}`).toBe(200);
    }
  });
});

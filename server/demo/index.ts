/**
 * The demo storefront that `npm start` serves: the home page (demo/index.html, whose head,
 * navigation and consent dialog are filled in here), a page per
 * category and product, search, the cart, the checkout and the order confirmation, each with
 * the loader snippet pasted inline and Vitrine started exactly as the README tells merchants.
 * The pages' behaviour is the shop's own plain JavaScript (demo/*.js) over `window.vitrine`.
 */
import { Hono, type Context } from 'hono';
import { etag } from 'hono/etag';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveFile } from '../static';
import { consentDialog, navigation, pageHead, storefrontPage } from './layout';
import { cartPage, categoryPage, checkoutPage, orderPage, productPage, searchPage, type ShopPage } from './pages';
import { categoryOf, featuredProducts, productOf, searchProducts } from './products';

/** Longest search query the shop takes; longer ones are cut. */
const MAX_QUERY = 100;

/**
 * @param demo the folder of the shop's static files (demo/)
 * @param dist the folder of the built SDK, for the loader snippet
 * @returns the storefront's routes
 */
export function demoRoutes(demo: string, dist: string): Hono {
  const app = new Hono();
  const snippet = () => readFile(join(dist, 'snippet.min.js'), 'utf8');
  const send = async (c: Context, path: string, page: ShopPage) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(await storefrontPage(path, page.facts, await snippet(), page.content).toString());
  };

  // The home page: the loader snippet, the navigation and the consent dialog are filled in.
  app.get('/', async (c) => {
    const [page, code] = await Promise.all([readFile(join(demo, 'index.html'), 'utf8'), snippet()]);
    const parts: Record<string, string> = {
      '<!-- demo:head -->': await pageHead('Vitrine demo shop', code, { 'home-products': featuredProducts() }).toString(),
      '<!-- demo:navigation -->': await navigation('/').toString(),
      '<!-- demo:consent -->': await consentDialog().toString(),
    };
    c.header('Cache-Control', 'no-cache');
    return c.html(Object.entries(parts).reduce((text, [mark, part]) => text.replace(mark, () => part), page));
  });
  app.get('/c/:category', (c) => {
    const category = categoryOf(c.req.param('category'));
    return category ? send(c, c.req.path, categoryPage(category)) : c.notFound();
  });
  app.get('/p/:sku', (c) => {
    const product = productOf(c.req.param('sku'));
    return product ? send(c, c.req.path, productPage(product)) : c.notFound();
  });
  app.get('/search', (c) => {
    const query = (c.req.query('q') ?? '').trim().slice(0, MAX_QUERY);
    return send(c, '/search', searchPage(query, searchProducts(query)));
  });
  app.get('/cart', (c) => send(c, '/cart', cartPage()));
  app.get('/checkout', (c) => send(c, '/checkout', checkoutPage()));
  app.get('/order', (c) => send(c, '/order', orderPage()));
  app.get('/demo/*', etag(), (c) => serveFile(c, demo, c.req.path.slice('/demo/'.length), 'no-cache'));
  return app;
}

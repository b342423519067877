/**
 * The demo storefront that `npm start` serves: the home page, a page per category and
 * product, search, the cart, the checkout, the order confirmation and the privacy center,
 * each with the loader snippet pasted inline and Vitrine started exactly as the README tells
 * merchants. The pages' behaviour is the shop's own plain JavaScript (demo/*.js) over
 * `window.vitrine`; the consent banner is vanilla-cookieconsent, served from the project's files.
 */
import { Hono, type Context } from 'hono';
import { etag } from 'hono/etag';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { serveFile } from '../static';
import { storefrontPage } from './layout';
import { cartPage, categoryPage, checkoutPage, homePage, orderPage, privacyPage, productPage, searchPage, type ShopPage } from './pages';
import { CATEGORIES, categoryOf, featuredProducts, productOf, searchProducts } from './products';

/**
 * The demo shop's priors signing key (a private JWK in demo/, never served): its public half is
 * in demo/catalog.json. For the demo only; a shop's collector has its own (VITRINE_PRIORS_KEY).
 */
export const DEMO_PRIORS_KEY = 'demo-priors-key.jwk';

/** The demo shop's site id (demo/catalog.json's siteId): the only site the demo's priors key signs for. */
export const DEMO_SITE = 'demo-shop';

/**
 * The shop's pages' headers: scripts from the shop itself or with the response's nonce (the
 * pasted snippet and init), the SDK's worker from the shop or a `blob:`, requests to the shop
 * only, never framed; the rest of hono's safe defaults (HSTS left to an HTTPS proxy in front).
 */
const PAGE_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", NONCE],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    workerSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'strict-origin-when-cross-origin',
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
});

/** Longest search query the shop takes; longer ones are cut. */
const MAX_QUERY = 100;

/** The consent banner's files, served from its npm package as the shop's own (/demo/vendor/). */
const VENDOR_FILES = new Set(['cookieconsent.umd.js', 'cookieconsent.css']);

/** @returns the folder of vanilla-cookieconsent's built files, as installed beside the project */
function bannerFolder(root: string): string {
  return dirname(createRequire(join(root, 'package.json')).resolve('vanilla-cookieconsent'));
}

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
    return c.html(await storefrontPage(path, page.facts, await snippet(), page.content, c.get('secureHeadersNonce')!).toString());
  };

  app.get('/', PAGE_HEADERS, (c) => send(c, '/', homePage(featuredProducts())));
  app.get('/c/:category', PAGE_HEADERS, (c) => {
    const category = categoryOf(c.req.param('category'));
    return category ? send(c, c.req.path, categoryPage(category)) : c.notFound();
  });
  app.get('/p/:sku', PAGE_HEADERS, (c) => {
    const product = productOf(c.req.param('sku'));
    return product ? send(c, c.req.path, productPage(product)) : c.notFound();
  });
  app.get('/search', PAGE_HEADERS, (c) => {
    const query = (c.req.query('q') ?? '').trim().slice(0, MAX_QUERY);
    return send(c, '/search', searchPage(query, searchProducts(query)));
  });
  app.get('/cart', PAGE_HEADERS, (c) => send(c, '/cart', cartPage()));
  app.get('/checkout', PAGE_HEADERS, (c) => send(c, '/checkout', checkoutPage()));
  app.get('/order', PAGE_HEADERS, (c) => send(c, '/order', orderPage()));
  app.get('/privacy', PAGE_HEADERS, (c) => send(c, '/privacy', privacyPage(CATEGORIES)));
  // Looked up at the first request, once: a server without the demo's devDependencies still starts.
  let vendor: string | undefined;
  app.get('/demo/vendor/:file', etag(), (c) => {
    const file = c.req.param('file');
    if (!VENDOR_FILES.has(file)) return c.notFound();
    vendor ??= bannerFolder(join(demo, '..'));
    return serveFile(c, vendor, file, 'no-cache');
  });
  app.get('/demo/*', etag(), (c) => serveFile(c, demo, c.req.path.slice('/demo/'.length), 'no-cache'));
  return app;
}

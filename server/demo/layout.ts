import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { CATEGORIES } from './products';

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * How every demo page starts Vitrine, right after the loader snippet: exactly the call the
 * README tells merchants to paste, with the consent read from the shop's banner
 * (vanilla-cookieconsent, through Vitrine's `cookieconsent` adapter). One-minute report
 * windows, so the dashboard fills while you try the demo (a shop keeps the one-day default).
 */
export const VITRINE_INIT = "vitrine('init', { siteId: 'demo-shop', catalogUrl: '/v1/catalog', collectorUrl: '/', reportWindow: 60000, consent: { source: 'cookieconsent' } });";

/** What the page is about, for the shop's script: the track call it makes and the offers' context. */
export interface PageFacts {
  /** The `<title>` and the page's h1. */
  title: string;
  /** The track event the page sends when it loads, if any (a product page sends `product_view`). */
  track?: { type: string; payload: Record<string, unknown> };
  /** The `context` of the page's offer slots (`{ category }`, `{ category, sku }`). */
  context?: Record<string, string>;
  /** The page's own scripts (demo/), after the shop's. */
  scripts?: readonly string[];
}

/**
 * The shop's navigation: home, each category, search and the cart.
 * @param current the path of the page, which the navigation marks as current
 */
export function navigation(current: string) {
  const link = (href: string, label: string) => html`<li><a href="${href}"${current === href ? raw(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<nav class="shop-nav" aria-label="Departments"><ul>
${link('/', 'Home')}${CATEGORIES.map((c) => link(`/c/${c.id}`, c.label))}
</ul></nav>
<form class="search" role="search" action="/search" method="get">
  <label for="search-q">Search the shop</label>
  <input id="search-q" name="q" type="search" autocomplete="off">
  <button type="submit">Search</button>
</form>`;
}

/**
 * Data for the page's script, as a JSON script element (`<` escaped, so no text can close it).
 * @param id the element's id
 * @param data what the script reads
 */
export function jsonScript(id: string, data: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
}

/**
 * The head of every page of the shop: the loader snippet pasted inline and Vitrine's init,
 * exactly as the README tells merchants, then the styles, the page's data, the consent banner
 * (vanilla-cookieconsent from the shop's own files, /demo/vendor/) and the shop's scripts.
 * @param title the page's title
 * @param snippet the built loader snippet (dist/snippet.min.js)
 * @param data the page's data for its scripts, by element id
 * @param scripts the page's own scripts, after the shop's
 * @param nonce the response's CSP nonce, which the two inline scripts carry
 */
export function pageHead(title: string, snippet: string, data: Record<string, unknown>, scripts: readonly string[], nonce: string) {
  return html`<meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/demo/vendor/cookieconsent.css">
  <link rel="stylesheet" href="/demo/style.css">
  <script nonce="${nonce}">${raw(snippet.trim())}</script>
  <script nonce="${nonce}">${raw(VITRINE_INIT)}</script>
  ${raw(
    Object.entries(data)
      .map(([id, value]) => jsonScript(id, value))
      .join('\n  '),
  )}
  <script src="/demo/vendor/cookieconsent.umd.js" defer></script>
  <script src="/demo/consent-banner.js" defer></script>
  <script src="/demo/shop.js" defer></script>${raw(scripts.map((src) => `\n  <script src="${src}" defer></script>`).join(''))}`;
}

/**
 * A whole storefront page: the loader snippet and Vitrine's init in the head, the shop's
 * header and navigation, the content, and a footer whose "Privacy settings" reopens the banner.
 * @param path the page's path (for the navigation)
 * @param facts the title and what the page tells Vitrine
 * @param snippet the built loader snippet (dist/snippet.min.js), pasted inline as a merchant would
 * @param content the page's main content, which holds its h1
 * @param nonce the response's CSP nonce
 */
export function storefrontPage(path: string, facts: PageFacts, snippet: string, content: Content, nonce: string) {
  const data = { 'page-facts': { track: facts.track, context: facts.context ?? {} } };
  return html`<!doctype html>
<html lang="en">
<head>
  ${pageHead(`${facts.title} · Vitrine demo shop`, snippet, data, facts.scripts ?? [], nonce)}
</head>
<body>
  <a class="skip" href="#main">Skip to content</a>
  <header class="top">
    <a class="brand" href="/">Vitrine demo shop</a>
    <a class="cart-link" href="/cart">Cart (<span id="cart-count">0</span>)</a>
  </header>
  ${navigation(path)}
  <main id="main" class="page" tabindex="-1">${content}</main>
  <footer class="bottom">
    <button type="button" class="linkish" data-cc="show-preferencesModal">Privacy settings</button>
    <a href="/privacy"${path === '/privacy' ? raw(' aria-current="page"') : ''}>Your data on this device</a>
  </footer>
</body>
</html>`;
}

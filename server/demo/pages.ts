import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { CURRENCY, PRODUCTS, categoryOf, type Category, type Product } from './products';
import type { PageFacts } from './layout';

/** A page of the shop: what it tells Vitrine, and its content. */
export interface ShopPage {
  facts: PageFacts;
  content: HtmlEscapedString | Promise<HtmlEscapedString>;
}

const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY });

/** @returns a price as the shop writes it (€89.00) */
export const formatPrice = (euros: number): string => money.format(euros);

/** The product's fields a cart line and a track payload carry, for the add-to-cart button. */
function productData(p: Product): string {
  return JSON.stringify({ sku: p.sku, name: p.name, category: p.category, brand: p.brand, price: p.price });
}

/** The page's h1: focused when the consent dialog closes. */
const heading = (text: string) => html`<h1 id="page-title" tabindex="-1">${text}</h1>`;

/** An offer slot, which demo/shop.js fills through `v.render()`. */
const slot = (id: string, label: string, limit: number) =>
  html`<section class="slot" aria-labelledby="slot-${id}-title"><h2 id="slot-${id}-title">${label}</h2><div class="offers" data-slot="${id}" data-limit="${limit}"></div></section>`;

/** One product in a list: its picture, name, price, and an add-to-cart button. */
function productCard(p: Product) {
  const category = categoryOf(p.category)!;
  return html`<li class="product" aria-labelledby="product-${p.sku}">
  <img src="/demo/img/${category.image}.svg" alt="" width="160" height="90">
  <h3 id="product-${p.sku}"><a href="/p/${p.sku}">${p.name}</a></h3>
  <p class="meta">${p.brand} · ${category.label}</p>
  <p class="price">${formatPrice(p.price)}</p>
  <button type="button" data-add="${productData(p)}" aria-label="Add to cart: ${p.name}">Add to cart</button>
</li>`;
}

const productList = (products: readonly Product[], label: string) => html`<ul class="products" aria-label="${label}">${products.map(productCard)}</ul>`;

/** The home page: a hero slot and one product from each department. */
export function homePage(featured: readonly Product[]): ShopPage {
  return {
    facts: { title: 'Home' },
    content: html`${heading('Vitrine demo shop')}
<p class="lead">Running, yoga, coffee and calmer evenings. The offers below are chosen on this device, from what you browse here, and only if you allow it: open “Why this offer?” to see why.</p>
${slot('home-hero', 'Picked for you', 2)}
<section class="featured" aria-labelledby="featured-title"><h2 id="featured-title">One from each department</h2>
${productList(featured, 'Featured products')}
</section>`,
  };
}

/** A department: its products, and the offers the device picks for it. */
export function categoryPage(category: Category): ShopPage {
  const products = PRODUCTS.filter((p) => p.category === category.id);
  return {
    facts: { title: category.label, track: { type: 'category_view', payload: { category: category.id } }, context: { category: category.id } },
    content: html`${heading(category.label)}<p class="lead">${category.blurb}</p>
${productList(products, `${category.label} products`)}
${slot('home-hero', 'Picked for you', 2)}`,
  };
}

/** A product: its details, an add-to-cart button, and "you may also like" offers. */
export function productPage(p: Product): ShopPage {
  const category = categoryOf(p.category)!;
  return {
    facts: {
      title: p.name,
      track: { type: 'product_view', payload: { sku: p.sku, category: p.category, name: p.name, brand: p.brand, price: p.price, currency: CURRENCY } },
      context: { category: p.category, sku: p.sku },
    },
    content: html`<p class="crumbs"><a href="/c/${category.id}">${category.label}</a></p>
<article class="product-detail" aria-labelledby="page-title">
  <img src="/demo/img/${category.image}.svg" alt="" width="320" height="180">
  <div>
    ${heading(p.name)}
    <p class="meta">${p.brand}</p>
    <p>${p.description}</p>
    <p class="price">${formatPrice(p.price)}</p>
    <button type="button" data-add="${productData(p)}" aria-label="Add to cart: ${p.name}">Add to cart</button>
  </div>
</article>
${slot('product-also', 'You may also like', 2)}`,
  };
}

/** The shop's search results. The query is sent to Vitrine as a `search` signal, which stays on the device. */
export function searchPage(query: string, results: readonly Product[]): ShopPage {
  const found = query ? `${results.length} ${results.length === 1 ? 'result' : 'results'} for “${query}”` : 'Type what you are looking for.';
  return {
    facts: { title: query ? `Search: ${query}` : 'Search', track: query ? { type: 'search', payload: { query } } : undefined },
    content: html`${heading('Search')}<p role="status">${found}</p>
${results.length ? productList(results, 'Search results') : ''}`,
  };
}

/** The cart: its lines (demo/shop.js draws them from `v.cart`), the total, and an upsell slot. */
export function cartPage(): ShopPage {
  return {
    facts: { title: 'Your cart' },
    content: html`${heading('Your cart')}
<p id="cart-note" class="note" role="status" aria-live="polite"></p>
<ul id="cart-lines" class="cart-lines"></ul>
<p class="total">Total: <output id="cart-total">${formatPrice(0)}</output></p>
<p class="actions"><a class="button" id="to-checkout" href="/checkout">Go to checkout</a></p>
<section id="handoff" class="handoff" aria-labelledby="handoff-title" hidden>
  <h2 id="handoff-title">Continue on another device</h2>
  <p>Scan the code with your phone, or share the link: your cart opens there, and you are asked before anything is added. The link holds your cart encrypted, with its key, in the part after the #, which browsers never send to a server; it opens for a day.</p>
  <p class="actions"><button type="button" id="handoff-make">Show the code and link</button></p>
  <div id="handoff-code" class="handoff-code"></div>
  <p class="actions"><button type="button" id="handoff-share" hidden>Share the link</button> <span id="handoff-status" role="status" aria-live="polite"></span></p>
</section>
${slot('cart', 'Offers for your cart', 1)}`,
  };
}

/** The checkout: a demo order form. Placing the order records a purchase and empties the cart. */
export function checkoutPage(): ShopPage {
  return {
    facts: { title: 'Checkout' },
    content: html`${heading('Checkout')}
<p class="note">A demo: no payment is taken and nothing you type here is sent anywhere.</p>
<ul id="cart-lines" class="cart-lines summary"></ul>
<p class="total">Total: <output id="cart-total">${formatPrice(0)}</output></p>
<form id="checkout-form" class="checkout">
  <label for="checkout-name">Name</label>
  <input id="checkout-name" name="name" autocomplete="name" required>
  <label for="checkout-address">Address</label>
  <input id="checkout-address" name="address" autocomplete="street-address" required>
  <p id="checkout-error" class="note" role="alert"></p>
  <button type="submit">Place order</button>
</form>`,
  };
}

/** The order confirmation, with a restocking offer for consumables. */
export function orderPage(): ShopPage {
  return {
    facts: { title: 'Thank you' },
    content: html`${heading('Thank you for your order')}
<p id="order-summary" role="status">Your order is on its way.</p>
${slot('order', 'Running low soon?', 1)}`,
  };
}

/**
 * The privacy center: what Vitrine keeps on this device, the interests it uses, the last
 * offers and why, the consent choices, export and erasure. demo/privacy.js fills it in.
 * @param categories the departments a shopper can state an interest in
 */
export function privacyPage(categories: readonly Category[]): ShopPage {
  return {
    facts: { title: 'Your data on this device', scripts: ['/demo/privacy.js'] },
    content: html`${heading('Your data on this device')}
<p class="lead">What this shop personalizes is worked out here, in your browser. Nothing below leaves your device: the shop only ever receives anonymous totals, and only if you allow it.</p>
<p id="privacy-status" class="note" role="status" aria-live="polite"></p>

<section aria-labelledby="choices-title"><h2 id="choices-title">Your choices</h2>
<ul id="choices" class="choices"></ul>
<p><button type="button" data-cc="show-preferencesModal">Change my choices</button></p>
</section>

<section aria-labelledby="stored-title"><h2 id="stored-title">What is stored here</h2>
<table class="stored">
  <caption class="visually-hidden">What is stored on this device, why, and for how long</caption>
  <thead><tr><th scope="col">What</th><th scope="col">Why it may be kept</th><th scope="col">How much</th><th scope="col">Kept until</th></tr></thead>
  <tbody id="stored"></tbody>
</table>
</section>

<section aria-labelledby="interests-title"><h2 id="interests-title">What the shop thinks you like</h2>
<p class="note">Worked out from what you browse here, or what you tell us. Switch one off and it is erased and never used again.</p>
<ul id="interests" class="interests" aria-labelledby="interests-title"></ul>
<form id="prefer-form" class="actions">
  <label for="prefer-category">Tell us what you like</label>
  <select id="prefer-category">${categories.map((c) => html`<option value="${c.id}">${c.label}</option>`)}</select>
  <button type="submit">I like this</button>
</form>
</section>

<section aria-labelledby="handoff-about-title"><h2 id="handoff-about-title">Your cart on another device</h2>
<p>"Continue on another device", on the cart page, makes a link to your cart. The link holds your cart's items, encrypted, and the key to read them, both in the part after the #, which browsers never send to a server: no server, the shop's included, keeps a copy of your cart or can read the link. Whoever has the link can open it for a day, so share it only with yourself. The device that opens it asks you before adding anything, and adds a link's items only once.</p>
</section>

<section aria-labelledby="offers-title"><h2 id="offers-title">Offers you were shown</h2>
<ul id="last-offers" class="last-offers"></ul>
</section>

<section aria-labelledby="control-title"><h2 id="control-title">Take it with you, or erase it</h2>
<div class="actions">
  <button type="button" id="privacy-export">Download my data (JSON)</button>
  <button type="button" id="privacy-erase" class="danger">Erase everything</button>
</div>
<dialog id="erase-dialog" aria-labelledby="erase-title" aria-describedby="erase-text">
  <h2 id="erase-title">Erase everything?</h2>
  <p id="erase-text">Your cart, your interests, the offers you saw and your privacy choices are deleted from this device. This cannot be undone.</p>
  <form method="dialog" class="actions">
    <button value="erase" class="danger">Erase everything</button>
    <button value="cancel" class="secondary" autofocus>Keep my data</button>
  </form>
</dialog>
</section>`,
  };
}

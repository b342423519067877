// The demo shop's home page: plain JavaScript using window.vitrine the way a merchant would
// (demo/shop.js has what every page shares).
// Everything is rendered with DOM nodes and textContent, never HTML strings.
(function () {
  'use strict';

  // The featured products, one per category: the server puts them in the page (server/demo/).
  var PRODUCTS = JSON.parse(document.getElementById('home-products').textContent);
  var shop = window.demoShop;
  var el = shop.el;
  var money = shop.money;
  var addToCart = shop.addToCart;
  var $ = function (id) { return document.getElementById(id); };

  function renderProducts() {
    var list = $('product-list');
    PRODUCTS.forEach(function (p) {
      var id = 'product-' + p.sku;
      list.appendChild(el('li', { class: 'product', 'aria-labelledby': id }, [
        el('h3', { id: id, text: p.name }),
        el('p', { class: 'meta', text: p.brand + ' · ' + p.category.replace('-', ' ') }),
        el('p', { class: 'price', text: money.format(p.price) }),
        el('button', {
          type: 'button', class: 'secondary', 'aria-label': 'Look at ' + p.name, text: 'Look closer',
          onclick: function () { lookAt(p); }
        }),
        el('button', {
          type: 'button', 'data-sku': p.sku, 'aria-label': 'Add ' + p.name + ' to cart', text: 'Add to cart',
          onclick: function () { addToCart(p); }
        })
      ]));
    });
  }

  // Looking at a product: a signal for the profile (with consent) and context for the offers.
  function lookAt(p) {
    vitrine('track', 'product_view', { sku: p.sku, category: p.category, name: p.name, brand: p.brand, price: p.price, currency: 'EUR' });
    $('cart-note').textContent = '';
    pageContext = { category: p.category, sku: p.sku };
    refreshOffers();
  }

  var pageContext = {};
  var heroOffers;
  var cartOffers;
  function refreshOffers() {
    vitrine('ready', function (v) {
      v.flush().then(function () {
        renderInterests(v);
        if (heroOffers) heroOffers.destroy();
        return v.render('home-hero', $('offers-hero'), { limit: 2, context: pageContext, headingLevel: 3 });
      }).then(function (h) { heroOffers = h; });
    });
  }
  function refreshCartOffers() {
    vitrine('ready', function (v) {
      if (cartOffers) cartOffers.refresh();
      else v.render('cart', $('offers-cart'), { limit: 1, label: 'Offers for your cart', headingLevel: 3 }).then(function (h) { cartOffers = h; });
    });
  }

  function renderInterests(v) {
    var list = $('interests');
    v.privacy.interests().then(function (interests) {
      list.replaceChildren();
      if (!interests) return;
      if (!interests.length) {
        list.appendChild(el('li', { text: v.consent.get().purposes.personalization ? 'Nothing yet: browse a little.' : 'Nothing: personalization is off.' }));
      }
      interests.forEach(function (i) {
        var text = i.label + (i.source === 'stated' ? ' (you told us)' : i.source === 'muted' ? ' (muted)' : ' (' + Math.round(i.strength * 100) + '%)');
        var button = i.source === 'muted'
          ? el('button', { type: 'button', class: 'secondary', text: 'Unmute', 'aria-label': 'Unmute ' + i.label, onclick: function () { change(v, 'prefer', i); } })
          : el('button', { type: 'button', class: 'secondary', text: 'Mute', 'aria-label': 'Mute ' + i.label, onclick: function () { change(v, 'mute', i); } });
        list.appendChild(el('li', { 'data-category': i.category }, [el('span', { text: text }), button]));
      });
    });
  }

  function change(v, what, interest) {
    v.privacy[what](interest.category).then(function () {
      $('interests-note').textContent = what === 'mute'
        ? interest.label + ' is muted: it is gone from your profile and will not be used.'
        : 'Noted: you like ' + interest.label + '.';
      renderInterests(v);
      refreshOffers();
      var again = $('interests').querySelector('[data-category="' + interest.category + '"] button');
      if (again) again.focus();
    });
  }

  // The cart lines and header count are the shop's (shop.js); the home page adds its own bits.
  function renderCart(cart) {
    shop.renderCart(cart);
    $('cart-clear').disabled = !cart.items.length;
    refreshCartOffers();
  }

  function renderState(v) {
    var s = v.state();
    var words = 'Engine: ' + s.engine + '. Storage: ' + s.storage + '. ' +
      (s.consent.decided ? 'Your choices: ' + ['functional', 'personalization', 'measurement'].filter(function (p) {
        return s.consent.purposes[p];
      }).join(', ') + '.' : 'No choice made yet: nothing is stored.');
    words = words.replace(/: \.$/, ': necessary only.');
    if (s.consent.purposes.measurement) {
      words += ' Aggregate reports: ' + s.reports.sent + ' sent, ' + s.reports.pending + ' waiting.';
    }
    // Unchanged text is not written again, so screen readers hear only real changes.
    if ($('sdk-state').textContent !== words) $('sdk-state').textContent = words;
  }

  function download(v) {
    v.privacy.export().then(function (data) {
      if (!data) return;
      var url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      var a = el('a', { href: url, download: 'vitrine-my-data.json' });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  }

  renderProducts();
  renderCart({ items: [] });
  vitrine('track', 'page_view', { path: location.pathname });

  vitrine('ready', function (v) {
    v.cart.get().then(function (cart) { if (cart) renderCart(cart); });
    v.cart.on('change', renderCart);
    v.cart.on('restore', function (cart) {
      var n = cart.items.length;
      $('cart-note').textContent = 'Welcome back: we kept the ' + n + (n === 1 ? ' item' : ' items') + ' in your cart.';
    });
    v.consent.on('change', function () { renderState(v); renderInterests(v); refreshOffers(); });
    // Reports go out in the background: the line about them follows along.
    setInterval(function () { renderState(v); }, 5000);
    renderInterests(v);
    refreshOffers();
    $('prefer-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var select = $('prefer-category');
      if (!v.consent.get().purposes.personalization) {
        $('interests-note').textContent = 'Turn on personalization in your privacy settings first.';
        return;
      }
      change(v, 'prefer', { category: select.value, label: select.options[select.selectedIndex].text });
    });
    renderState(v);
    var consent = window.demoConsent(v);
    $('privacy-export').addEventListener('click', function () { download(v); });
    $('privacy-forget').addEventListener('click', function () {
      v.privacy.forget().then(function () {
        $('cart-note').textContent = 'Everything stored on this device was erased.';
        renderState(v);
        consent.open($('privacy-forget'));
      });
    });
    $('cart-clear').addEventListener('click', function () { v.cart.clear(); });
  });
})();

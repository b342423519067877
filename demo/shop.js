// The demo shop's own script, on every page: the cart in the header and on the cart and
// checkout pages, "Add to cart" buttons, the offer slots, and what each page tells Vitrine.
// Plain JavaScript over window.vitrine, as a merchant would write it; DOM nodes and
// textContent only, never HTML strings.
(function () {
  'use strict';

  var CURRENCY = 'EUR';
  var money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY });
  var $ = function (id) {
    return document.getElementById(id);
  };

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'text') node.textContent = props[k];
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), props[k]);
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(c);
    });
    return node;
  }

  function addToCart(p) {
    vitrine('track', 'add_to_cart', { sku: p.sku, category: p.category, name: p.name, price: p.price, currency: CURRENCY });
    vitrine('cart.add', { sku: p.sku, qty: 1, price: p.price, name: p.name, category: p.category, currency: CURRENCY });
  }

  // One cart line: editable on the cart page, read-only in the checkout's summary.
  function cartLine(item, editable) {
    var name = item.name || item.sku;
    var children = [el('span', { class: 'name', text: name })];
    if (editable) {
      var qtyId = `qty-${item.sku}`;
      var qty = el('input', { id: qtyId, type: 'number', min: '0', max: '99', value: String(item.qty), inputmode: 'numeric' });
      qty.addEventListener('change', function () {
        vitrine('cart.update', item.sku, Math.max(0, Math.min(99, parseInt(qty.value, 10) || 0)));
      });
      children.push(el('label', { for: qtyId, class: 'visually-hidden', text: `Quantity of ${name}` }), qty);
    } else {
      children.push(el('span', { class: 'qty', text: `× ${item.qty}` }));
    }
    children.push(el('span', { class: 'price', text: money.format(item.price * item.qty) }));
    if (editable) {
      children.push(
        el('button', {
          type: 'button',
          'aria-label': `Remove ${name} from cart`,
          text: 'Remove',
          onclick: function () {
            vitrine('cart.remove', item.sku);
          },
        }),
      );
    }
    return el('li', { class: 'line', 'data-sku': item.sku }, children);
  }

  // The cart wherever the page shows it: the count in the header, and the lines and total.
  function renderCart(cart) {
    var count = cart.items.reduce(function (n, item) {
      return n + item.qty;
    }, 0);
    var total = cart.items.reduce(function (sum, item) {
      return sum + item.qty * item.price;
    }, 0);
    $('cart-count').textContent = String(count);
    var lines = $('cart-lines');
    if (!lines) return;
    var editable = !lines.classList.contains('summary');
    lines.replaceChildren.apply(
      lines,
      cart.items.map(function (item) {
        return cartLine(item, editable);
      }),
    );
    if (!cart.items.length) lines.appendChild(el('li', { class: 'empty', text: 'Your cart is empty.' }));
    $('cart-total').textContent = money.format(total);
    var checkout = $('to-checkout');
    if (checkout) checkout.hidden = !cart.items.length;
    var handoff = $('handoff');
    if (handoff) handoff.hidden = !cart.items.length;
  }

  // "Continue on another device": the cart's handoff link, as a QR code and a link to share.
  function offerHandoff(v) {
    var make = $('handoff-make');
    if (!make) return;
    var share = $('handoff-share');
    var status = $('handoff-status');
    var current;
    make.addEventListener('click', function () {
      status.textContent = '';
      v.cart
        .handoff({ url: `${location.origin}/cart` })
        .then(function (handoff) {
          current = handoff;
          return handoff.qr('QR code of the link to your cart');
        })
        .then(function (code) {
          var link = el('a', { href: current.link, class: 'handoff-link', text: 'Link to your cart (opens for a day)' });
          $('handoff-code').replaceChildren(code.svg, link);
          share.hidden = false;
        })
        .catch(function (error) {
          status.textContent = error.message;
        });
    });
    share.addEventListener('click', function () {
      if (!current) return;
      current
        .share('My cart')
        .then(function (how) {
          status.textContent = how === 'copied' ? 'Link copied.' : how === 'shared' ? 'Link shared.' : '';
        })
        .catch(function (error) {
          status.textContent = error.message;
        });
    });
  }

  // What the shop's page scripts (demo/privacy.js) share with this one.
  window.demoShop = { el: el };

  // What the page tells Vitrine, put in the page by the server (server/demo/).
  var facts = JSON.parse($('page-facts').textContent);

  document.addEventListener('click', function (e) {
    var button = e.target.closest('[data-add]');
    if (button) addToCart(JSON.parse(button.getAttribute('data-add')));
  });
  vitrine('track', 'page_view', { path: location.pathname, category: facts.context.category });
  if (facts.track) vitrine('track', facts.track.type, facts.track.payload);

  var slots = [];
  function renderSlots(v) {
    slots.forEach(function (handle) {
      handle.destroy();
    });
    slots = [];
    Array.prototype.forEach.call(document.querySelectorAll('[data-slot]'), function (node) {
      var options = { limit: Number(node.getAttribute('data-limit')) || 1, context: facts.context, headingLevel: 3 };
      v.render(node.getAttribute('data-slot'), node, options).then(function (handle) {
        slots.push(handle);
      });
    });
  }

  function placeOrder(v, e) {
    e.preventDefault();
    v.cart.get().then(function (cart) {
      if (!cart || !cart.items.length) {
        $('checkout-error').textContent = 'Your cart is empty: add something first.';
        return;
      }
      var total = cart.items.reduce(function (sum, item) {
        return sum + item.qty * item.price;
      }, 0);
      v.track('purchase', {
        items: cart.items.map(function (item) {
          return { sku: item.sku, category: item.category, price: item.price, qty: item.qty };
        }),
        total: Math.round(total * 100) / 100,
        currency: CURRENCY,
      });
      return v.cart
        .clear()
        .then(function () {
          return v.flush();
        })
        .then(function () {
          location.assign('/order');
        });
    });
  }

  vitrine('ready', function (v) {
    v.cart.get().then(function (cart) {
      renderCart(cart || { items: [] });
    });
    v.cart.on('change', renderCart);
    v.cart.on('restore', function (cart) {
      var note = $('cart-note');
      var n = cart.items.length;
      if (note) note.textContent = `Welcome back: we kept the ${n}${n === 1 ? ' item' : ' items'} in your cart.`;
    });
    v.consent.on('change', function () {
      renderSlots(v);
    });
    renderSlots(v);
    var form = $('checkout-form');
    if (form)
      form.addEventListener('submit', function (e) {
        placeOrder(v, e);
      });
    offerHandoff(v);
  });
})();

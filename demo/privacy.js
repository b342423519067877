// The shop's privacy center (/privacy): what Vitrine keeps on this device, why and for how
// long, the interests it uses (each can be switched off, or stated), the last offers with
// their reasons, the consent choices in plain words, export and erasure.
// Plain JavaScript over window.vitrine; DOM nodes and textContent only, never HTML strings.
(function () {
  'use strict';

  var el = window.demoShop.el;
  var $ = function (id) {
    return document.getElementById(id);
  };

  // The shop's words for each consent purpose, when on and when off.
  var PURPOSES = [
    {
      name: 'functional',
      title: 'Keep my cart',
      on: 'Your cart stays on this device between visits, and offers you dismissed stay away.',
      off: 'Your cart is kept only while a page of the shop is open.',
    },
    {
      name: 'personalization',
      title: 'Personalize offers on this device',
      on: 'What you browse here is kept in this browser and used, here only, to pick offers for you.',
      off: 'Offers follow the page you are on, never your history. Nothing you browse is kept.',
    },
    {
      name: 'measurement',
      title: 'Count anonymous totals',
      on: 'The shop receives totals of how its offers do, from many shoppers together: never what you browsed.',
      off: 'Nothing is counted or sent.',
    },
  ];
  var PURPOSE_WORDS = { functional: 'keeping your cart', personalization: 'personalization', measurement: 'anonymous totals' };

  // The shop's words for each kind of data the SDK keeps (export().kept names them).
  var DATA_WORDS = {
    consent: 'Your privacy choices',
    catalog: 'The shop’s list of offers',
    muted: 'Interests you switched off',
    cart: 'Your cart',
    visitCart: 'Your cart for this visit (in this tab only, gone when you close it)',
    signals: 'What you browsed here: pages, products, searches',
    profile: 'Your interests, worked out from what you browsed',
    decisions: 'The last offers picked for each place on the page',
    lastOffers: 'A copy of the offers shown last, painted at once on the next page',
    exposures: 'Offers shown to you, clicked or dismissed',
    seed: 'A random number for offer variants and tests (never sent)',
    outbox: 'Anonymous totals waiting to be sent',
    reportDomains: 'The offer lists of earlier catalogs, for the totals',
  };
  var SLOT_WORDS = { 'home-hero': 'Picked for you', 'product-also': 'You may also like', cart: 'Offers for your cart', order: 'Running low soon?' };

  var dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
  var status = function (text) {
    $('privacy-status').textContent = text;
  };

  /** What is kept of one kind of data: how many records, and the newest one's time. */
  function heldOf(data, stores, page) {
    var meta = (stores.meta || []).filter(function (m) {
      return m.key === data;
    })[0];
    switch (data) {
      case 'cart': {
        var cart = (stores.cart || [])[0];
        return cart ? { count: cart.lines.length, unit: 'item', newest: cart.updatedAt } : null;
      }
      case 'visitCart': {
        var visit = page && page.visitCart;
        return visit ? { count: visit.items.length, unit: 'item', newest: visit.updatedAt } : null;
      }
      case 'signals':
      case 'exposures': {
        var list = stores[data] || [];
        if (!list.length) return null;
        return {
          count: list.length,
          unit: data === 'signals' ? 'signal' : 'record',
          newest: Math.max.apply(
            null,
            list.map(function (r) {
              return r.at;
            }),
          ),
        };
      }
      case 'outbox': {
        var outbox = (stores.outbox || [])[0];
        var reports = outbox ? outbox.reports : [];
        return reports.length
          ? {
              count: reports.length,
              unit: 'report',
              newest: Math.max.apply(
                null,
                reports.map(function (r) {
                  return r.createdAt;
                }),
              ),
            }
          : null;
      }
      case 'profile': {
        var profile = (stores.profile || [])[0];
        return profile ? { count: 1, unit: 'profile' } : null;
      }
      case 'muted':
        return meta && meta.value.length ? { count: meta.value.length, unit: 'interest' } : null;
      case 'decisions':
        return meta && Object.keys(meta.value).length ? { count: Object.keys(meta.value).length, unit: 'place' } : null;
      default:
        return meta ? { count: 1, unit: 'record' } : null;
    }
  }

  function plural(n, unit) {
    return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }

  function keptUntil(kept, held) {
    if (kept.halfLifeDays) return `Fades: counts half after ${kept.halfLifeDays} days without browsing`;
    if (kept.data === 'visitCart') return 'Until you close this tab';
    if (kept.days === null) return 'Until you change or erase it';
    var words = `${kept.days} days after it was last written`;
    if (kept.maxRecords) words += `, at most ${kept.maxRecords} (the oldest go first)`;
    return held.newest ? `${dateFormat.format(new Date(held.newest + kept.days * 86400000))} (${words})` : words;
  }

  function renderStored(data) {
    var rows = data.kept.map(function (kept) {
      var held = heldOf(kept.data, data.stores, data.page);
      var why = kept.purposes.length
        ? 'Only with ' +
          kept.purposes
            .map(function (p) {
              return PURPOSE_WORDS[p];
            })
            .join(' or ')
        : 'Needed for the shop to work';
      return el('tr', { 'data-kept': kept.data, class: held ? '' : 'empty' }, [
        el('th', { scope: 'row', text: DATA_WORDS[kept.data] || kept.data }),
        el('td', { text: why }),
        el('td', { text: held ? plural(held.count, held.unit) : 'Nothing' }),
        el('td', { text: held ? keptUntil(kept, held) : '—' }),
      ]);
    });
    $('stored').replaceChildren.apply($('stored'), rows);
  }

  function renderChoices(v) {
    var consent = v.consent.get();
    var items = PURPOSES.map(function (p) {
      var on = consent.purposes[p.name];
      return el('li', { 'data-purpose': p.name }, [el('strong', { text: `${p.title}: ${on ? 'on' : 'off'}` }), el('span', { text: ` ${on ? p.on : p.off}` })]);
    });
    if (!consent.decided) items.unshift(el('li', { text: 'You have not decided yet, so nothing is stored on this device.' }));
    $('choices').replaceChildren.apply($('choices'), items);
  }

  function renderInterests(v) {
    return v.privacy.interests().then(function (interests) {
      var list = $('interests');
      var personalized = v.consent.get().purposes.personalization;
      if (!interests.length) {
        list.replaceChildren(el('li', { text: personalized ? 'Nothing yet: browse a little.' : 'Nothing: personalization is off.' }));
        return;
      }
      list.replaceChildren.apply(
        list,
        interests.map(function (i) {
          var label = i.label.charAt(0).toUpperCase() + i.label.slice(1);
          var id = `interest-${i.category}`;
          var source = i.source === 'stated' ? 'you told us' : i.source === 'muted' ? 'switched off' : 'from what you browsed';
          var strength = Math.round(i.strength * 100);
          var toggle = el('input', { type: 'checkbox', role: 'switch', id: id, 'aria-describedby': `${id}-about` });
          toggle.checked = i.source !== 'muted';
          toggle.addEventListener('change', function () {
            change(v, toggle.checked ? 'prefer' : 'mute', { category: i.category, label: label }, toggle);
          });
          return el('li', { 'data-category': i.category, 'data-source': i.source }, [
            toggle,
            el('label', { for: id, text: label }),
            i.source === 'muted' ? el('span', {}) : el('meter', { min: '0', max: '100', value: String(strength), 'aria-label': `Strength of ${label}` }),
            el('span', { id: `${id}-about`, class: 'note', text: (i.source === 'muted' ? '' : `${strength}%, `) + source }),
          ]);
        }),
      );
    });
  }

  function change(v, what, interest, toggle) {
    if (what === 'prefer' && !v.consent.get().purposes.personalization) {
      toggle.checked = false;
      status('Turn on personalization in your privacy settings first.');
      return;
    }
    v.privacy[what](interest.category)
      .then(function () {
        status(what === 'mute' ? `${interest.label} is switched off: it is erased from your profile and will not be used.` : `Noted: you like ${interest.label}.`);
        return refresh(v);
      })
      .then(function () {
        var again = $(`interest-${interest.category}`);
        if (again) again.focus();
      });
  }

  function renderOffers(data) {
    var meta = (data.stores.meta || []).filter(function (m) {
      return m.key === 'decisions';
    })[0];
    // The engine's last decisions, and the page's copy of the offers it painted (newer when the
    // shopper left a page before the engine had written its own).
    var slots = Object.assign({}, meta ? meta.value : {}, data.page ? data.page.lastOffers : {});
    var list = $('last-offers');
    var items = [];
    Object.keys(slots).forEach(function (slot) {
      slots[slot].forEach(function (d) {
        var reasons = d.reasons.length ? d.reasons : ['It suits the page you were on.'];
        items.push(
          el('li', { 'data-offer': d.id }, [
            el('strong', { text: d.content.title }),
            el('span', { class: 'note', text: ` in “${SLOT_WORDS[slot] || slot}”` }),
            el('details', {}, [
              el('summary', { text: 'Why this offer?' }),
              el(
                'ul',
                {},
                reasons.map(function (r) {
                  return el('li', { text: r });
                }),
              ),
            ]),
          ]),
        );
      });
    });
    if (!items.length) items.push(el('li', { text: 'None kept: offers are remembered only with personalization.' }));
    list.replaceChildren.apply(list, items);
  }

  function refresh(v) {
    renderChoices(v);
    return Promise.all([v.privacy.export(), renderInterests(v)]).then(function (results) {
      renderStored(results[0]);
      renderOffers(results[0]);
    });
  }

  function download(v) {
    v.privacy.export().then(function (data) {
      var url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      var a = el('a', { href: url, download: 'vitrine-my-data.json' });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () {
        URL.revokeObjectURL(url);
      }, 1000);
      status('Your data was downloaded as vitrine-my-data.json.');
    });
  }

  // Erasing everything also erases the banner's own record of your choices, so the next page
  // asks again as on a first visit.
  function erase(v) {
    v.privacy.forget().then(
      function () {
        document.cookie = 'cc_cookie=; Path=/; Max-Age=0; SameSite=Lax';
        location.assign('/privacy?erased=1');
      },
      function (error) {
        status(`Erasing failed: ${error.message}`);
      },
    );
  }

  if (new URLSearchParams(location.search).get('erased') === '1') status('Everything stored on this device was erased.');

  vitrine('ready', function (v) {
    refresh(v);
    v.consent.on('change', function () {
      refresh(v);
    });
    $('prefer-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var select = $('prefer-category');
      change(v, 'prefer', { category: select.value, label: select.options[select.selectedIndex].text }, { checked: true });
    });
    $('privacy-export').addEventListener('click', function () {
      download(v);
    });
    var dialog = $('erase-dialog');
    $('privacy-erase').addEventListener('click', function () {
      dialog.returnValue = '';
      dialog.showModal();
    });
    dialog.addEventListener('close', function () {
      if (dialog.returnValue === 'erase') erase(v);
      else $('privacy-erase').focus();
    });
  });
})();

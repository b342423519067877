// The shop's own consent dialog, the same on every page: it shows on a first visit, and the
// "Privacy settings" button reopens it. The choice goes to Vitrine through v.consent.set().
// Plain JavaScript, as a merchant would write it; text only, never HTML strings.
(function () {
  'use strict';

  var PURPOSES = ['functional', 'personalization', 'measurement'];
  var $ = function (id) { return document.getElementById(id); };

  // Where focus goes back to when the dialog closes: the control that opened it, or, for the
  // dialog a first visit shows by itself, the page's heading (so nothing scrolls away).
  var opener = null;

  function show(v, visible, from) {
    var box = $('consent');
    if (visible) opener = from || null;
    var c = v.consent.get();
    PURPOSES.forEach(function (p) {
      box.querySelector('input[name="' + p + '"]').checked = c.purposes[p];
    });
    box.hidden = !visible;
    if (visible) $('consent-all').focus();
  }

  function close(v) {
    show(v, false);
    var back = opener || $('page-title');
    if (back) back.focus();
  }

  function decide(v, choice) {
    v.consent.set(choice).then(function () { close(v); });
  }

  /** Wires the dialog to the SDK instance; returns a way to open it from elsewhere on the page. */
  window.demoConsent = function (v) {
    $('consent-all').addEventListener('click', function () {
      decide(v, { functional: true, personalization: true, measurement: true });
    });
    $('consent-none').addEventListener('click', function () {
      decide(v, { functional: false, personalization: false, measurement: false });
    });
    $('consent-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var f = e.target;
      decide(v, { functional: f.functional.checked, personalization: f.personalization.checked, measurement: f.measurement.checked });
    });
    var settings = $('privacy-settings');
    if (settings) settings.addEventListener('click', function () { show(v, true, settings); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && !$('consent').hidden && v.consent.get().decided) close(v);
    });
    show(v, !v.consent.get().decided);
    return { open: function (from) { show(v, true, from); } };
  };
})();

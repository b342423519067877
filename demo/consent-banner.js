// The shop's consent banner: vanilla-cookieconsent (served from the shop's own files), which
// Vitrine reads through its `cookieconsent` adapter (the init in every page's head says so).
// It shows on a first visit; every "Privacy settings" button (data-cc) reopens its settings.
// The category names are the adapter's defaults.
(function () {
  'use strict';

  window.CookieConsent.run({
    // Shown to automated browsers too (the demo's own tests drive it); secure cookies need
    // https, which a real shop has and a local demo has not.
    hideFromBots: false,
    cookie: { name: 'cc_cookie', expiresAfterDays: 182, secure: location.protocol === 'https:' },
    guiOptions: {
      consentModal: { layout: 'box', position: 'bottom right' },
      preferencesModal: { layout: 'box' },
    },
    categories: {
      necessary: { enabled: true, readOnly: true },
      functionality: {},
      personalization: {},
      analytics: {},
    },
    language: {
      default: 'en',
      translations: {
        en: {
          consentModal: {
            title: 'Your privacy choices',
            description: 'We can keep your cart for your next visit, personalize offers on this device, and count anonymous totals of what works. Nothing you browse leaves your device.',
            acceptAllBtn: 'Accept all',
            acceptNecessaryBtn: 'Reject all',
            showPreferencesBtn: 'Choose',
          },
          preferencesModal: {
            title: 'Privacy settings',
            acceptAllBtn: 'Accept all',
            acceptNecessaryBtn: 'Reject all',
            savePreferencesBtn: 'Save my choices',
            closeIconLabel: 'Close',
            sections: [
              { description: 'Choose what this shop may do. You can change your mind here at any time: what you turn off is erased from this device.' },
              { title: 'Necessary', description: 'Your privacy choices themselves, and the list of offers. Always on.', linkedCategory: 'necessary' },
              { title: 'Keep my cart', description: 'Your cart stays on this device between visits, and offers you dismissed stay away.', linkedCategory: 'functionality' },
              {
                title: 'Personalize offers on this device',
                description: 'What you browse here is kept in this browser and used, here only, to pick offers for you.',
                linkedCategory: 'personalization',
              },
              { title: 'Count anonymous totals', description: 'The shop receives only totals of how its offers do, from many shoppers together, never what you browsed.', linkedCategory: 'analytics' },
            ],
          },
        },
      },
    },
  });
})();

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as CookieConsent from 'vanilla-cookieconsent';
import { createVitrine, type Vitrine } from 'vitrine';

// The real orestbida cookieconsent v3, imported as a module: no global, so the adapter reads
// its events and its cookie.
const config = {
  autoShow: false,
  categories: { necessary: { enabled: true, readOnly: true }, functionality: {}, personalization: {}, analytics: {} },
  language: {
    default: 'en',
    translations: {
      en: {
        consentModal: { title: 'Cookies', description: 'We use cookies.', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all' },
        preferencesModal: { title: 'Preferences', sections: [] },
      },
    },
  },
};

let v: Vitrine | undefined;
let n = 0;
beforeEach(async () => {
  CookieConsent.reset(true);
  // reset(true) erases cc_cookie with `Domain=.localhost` only, but cookieconsent wrote it
  // host-only (no dot in "localhost"): Chromium and Firefox erase it anyway, WebKitGTK keeps
  // it, and each test would start with the last one's choice. Erase it as it was written.
  document.cookie = 'cc_cookie=; Path=/; Max-Age=0';
  expect(document.cookie).not.toContain('cc_cookie=');
  await CookieConsent.run(config);
});
afterEach(async () => {
  await v?.destroy();
  v = undefined;
});

async function start() {
  v = await createVitrine({ siteId: `cc-${Date.now().toString(36)}-${n++}`, workerUrl: '/dist/vitrine-worker.js', consent: { source: 'cookieconsent' } });
  // The adapter is a chunk loaded after start-up: wait until it listens.
  await vi.waitFor(() => expect((window as unknown as { __vitrineChunks?: object }).__vitrineChunks).toHaveProperty('consent-cookieconsent'));
  await new Promise((r) => setTimeout(r, 20));
  return v;
}
const purposes = () => {
  const { functional, personalization, measurement } = v!.consent.get().purposes;
  return { functional, personalization, measurement };
};

describe('orestbida cookieconsent v3', () => {
  it('accept all grants every purpose', async () => {
    await start();
    expect(v!.consent.get().decided).toBe(false);
    CookieConsent.acceptCategory('all');
    await vi.waitFor(() => expect(v!.consent.get()).toMatchObject({ decided: true, source: 'cookieconsent', explicit: true }));
    expect(purposes()).toEqual({ functional: true, personalization: true, measurement: true });
  });

  it('leaves the click that decided to paint: nothing reaches the engine in its task', async () => {
    await start();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      CookieConsent.acceptCategory('all');
      // Still the click's task: its microtasks run, no other task does.
      for (let i = 0; i < 100; i++) await Promise.resolve();
      expect(posted).not.toHaveBeenCalled();
      await vi.waitFor(() => expect(v!.consent.get()).toMatchObject({ decided: true, source: 'cookieconsent' }));
      expect(posted).toHaveBeenCalled();
    } finally {
      posted.mockRestore();
    }
  });

  it('reject all keeps only what is necessary', async () => {
    await start();
    CookieConsent.acceptCategory([]);
    await vi.waitFor(() => expect(v!.consent.get().decided).toBe(true));
    expect(purposes()).toEqual({ functional: false, personalization: false, measurement: false });
  });

  it('a custom choice, changed later, is followed each time', async () => {
    await start();
    CookieConsent.acceptCategory(['analytics']);
    await vi.waitFor(() => expect(purposes()).toEqual({ functional: false, personalization: false, measurement: true }));
    CookieConsent.acceptCategory(['functionality', 'personalization']);
    await vi.waitFor(() => expect(purposes()).toEqual({ functional: true, personalization: true, measurement: false }));
  });

  it('reads a choice made on an earlier page from its cookie', async () => {
    CookieConsent.acceptCategory(['functionality']);
    await start();
    await vi.waitFor(() => expect(v!.consent.get()).toMatchObject({ decided: true, explicit: false }));
    expect(purposes()).toEqual({ functional: true, personalization: false, measurement: false });
  });
});

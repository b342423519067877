import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADAPTERS } from '../../src/consent/all-adapters';
import type { AdapterName } from '../../src/protocol/options';
import { detectCmp, DETECTION_ORDER } from '../../src/consent/detect';
import type { ConsentSignal, PageWindow } from '../../src/consent/signal';
import type { ResolvedConsentOptions } from '../../src/protocol/options';

// The CMPs' documented globals and events, set up as each CMP's own script would.
const w = window as unknown as PageWindow;
const GLOBALS = [
  'OnetrustActiveGroups',
  'OneTrust',
  'Cookiebot',
  'Didomi',
  'didomiOnReady',
  'didomiEventListeners',
  'UC_UI',
  '__ucCmp',
  'klaro',
  'CookieConsent',
  'Shopify',
  'dataLayer',
  '__tcfapi',
  '__gpp',
];
let stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops) s();
  stops = [];
  for (const g of GLOBALS) delete w[g];
  document.cookie = 'cc_cookie=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  vi.useRealTimers();
});

function run(name: AdapterName, options: Partial<ResolvedConsentOptions> = {}) {
  const reports: ConsentSignal[] = [];
  stops.push(ADAPTERS[name]({ window: w, options: { source: name as never, categories: {}, vendorId: undefined, waitMs: 1000, ...options }, onSignal: (s) => reports.push(s) }));
  return reports;
}
const last = (r: ConsentSignal[]) => r.at(-1);
const ALL = { functional: true, personalization: true, measurement: true };
const NONE = { functional: false, personalization: false, measurement: false };

describe('OneTrust', () => {
  it("decides once the banner is closed; closed on this page, it is the shopper's act", () => {
    let closed = false;
    w.OnetrustActiveGroups = ',C0001,';
    w.OneTrust = { IsAlertBoxClosed: () => closed };
    const reports = run('onetrust');
    expect(reports).toEqual([]);
    closed = true;
    w.OnetrustActiveGroups = ',C0001,C0002,C0003,C0004,';
    window.dispatchEvent(new Event('OneTrustGroupsUpdated'));
    expect(last(reports)).toEqual({ ...ALL, explicit: true });
  });

  it("reads a returning visitor's groups on load, as a stored state", () => {
    w.OnetrustActiveGroups = ',C0001,C0002,';
    w.OneTrust = { IsAlertBoxClosed: () => true };
    const reports = run('onetrust');
    expect(last(reports)).toEqual({ functional: false, personalization: false, measurement: true, explicit: false });
  });

  it("takes the merchant's own group ids", () => {
    w.OnetrustActiveGroups = ',C0001,C0009,';
    w.OneTrust = { IsAlertBoxClosed: () => true };
    const reports = run('onetrust', { categories: { personalization: ['C0009'] } });
    expect(last(reports)).toMatchObject({ personalization: true, functional: false });
  });
});

describe('Cookiebot', () => {
  it('waits for a response, then maps preferences, marketing and statistics', () => {
    w.Cookiebot = { consent: { necessary: true, preferences: false, statistics: false, marketing: false }, hasResponse: false };
    const reports = run('cookiebot');
    expect(reports).toEqual([]);
    Object.assign(w.Cookiebot, { hasResponse: true, changed: true, consent: { necessary: true, preferences: true, statistics: true, marketing: false, method: 'explicit' } });
    window.dispatchEvent(new Event('CookiebotOnAccept'));
    expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: true, explicit: true });
    w.Cookiebot.consent = { necessary: true, preferences: false, statistics: false, marketing: false, method: 'explicit' };
    window.dispatchEvent(new Event('CookiebotOnDecline'));
    expect(last(reports)).toEqual({ ...NONE, explicit: true });
  });
});

describe('Didomi', () => {
  const didomi = (enabled: string[], collect = false) => ({
    shouldUserStatusBeCollected: () => collect,
    getCurrentUserStatus: () => ({
      purposes: Object.fromEntries(['cookies', 'create_content_profile', 'select_personalized_content', 'measure_content_performance'].map((id) => [id, { id, enabled: enabled.includes(id) }])),
    }),
  });

  it('reads the status through didomiOnReady and again at consent.changed', () => {
    const reports = run('didomi');
    const D = didomi(['cookies', 'measure_content_performance']);
    w.Didomi = D;
    for (const fn of w.didomiOnReady as ((d: unknown) => void)[]) fn(D);
    expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: true, explicit: false });
    w.Didomi = didomi(['cookies', 'create_content_profile', 'select_personalized_content', 'measure_content_performance']);
    for (const l of w.didomiEventListeners as { event: string; listener: () => void }[]) if (l.event === 'consent.changed') l.listener();
    expect(last(reports)).toEqual({ ...ALL, explicit: true });
  });

  it('stays closed while Didomi still has to collect the status', () => {
    const reports = run('didomi');
    for (const fn of w.didomiOnReady as ((d: unknown) => void)[]) fn(didomi(['cookies'], true));
    expect(reports).toEqual([]);
  });
});

describe('Usercentrics', () => {
  it('V3: reads categories from getConsentDetails and UC_CONSENT, never an implicit state', async () => {
    w.__ucCmp = {
      getConsentDetails: async () => ({
        consent: { type: 'IMPLICIT' },
        categories: { functional: { state: 'ALL_ACCEPTED' }, marketing: { state: 'ALL_ACCEPTED' }, analytics: { state: 'ALL_ACCEPTED' } },
      }),
    };
    const reports = run('usercentrics');
    await new Promise((r) => setTimeout(r, 50));
    expect(reports).toEqual([]);
    const detail = { consent: { type: 'EXPLICIT' }, categories: { functional: { state: 'ALL_ACCEPTED' }, marketing: { state: 'ALL_ACCEPTED' }, analytics: { state: 'SOME_ACCEPTED' } } };
    window.dispatchEvent(new CustomEvent('UC_CONSENT', { detail }));
    expect(last(reports)).toEqual({ functional: true, personalization: true, measurement: false, explicit: true });
  });

  it("V3: reads a returning visitor's explicit choice as a stored state", async () => {
    w.__ucCmp = {
      getConsentDetails: async () => ({ consent: { type: 'EXPLICIT' }, categories: { functional: { state: 'ALL_ACCEPTED' }, marketing: { state: 'ALL_DENIED' }, analytics: { state: 'ALL_DENIED' } } }),
    };
    const reports = run('usercentrics');
    await vi.waitFor(() => expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: false, explicit: false }));
  });

  it('V2: a category counts when every service in it has consent', () => {
    const services = [
      { categorySlug: 'functional', consent: { status: true } },
      { categorySlug: 'marketing', consent: { status: true } },
      { categorySlug: 'marketing', consent: { status: false } },
      { categorySlug: 'analytics', consent: { status: true } },
    ];
    w.UC_UI = { isInitialized: () => true, isConsentRequired: () => false, getServicesBaseInfo: () => services };
    const reports = run('usercentrics');
    expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: true, explicit: false });
    services[2]!.consent.status = true;
    window.dispatchEvent(new CustomEvent('UC_UI_CMP_EVENT', { detail: { type: 'CMP_SHOWN' } }));
    expect(reports).toHaveLength(1);
    window.dispatchEvent(new CustomEvent('UC_UI_CMP_EVENT', { detail: { type: 'SAVE' } }));
    expect(last(reports)).toEqual({ ...ALL, explicit: true });
  });
});

describe('Klaro', () => {
  it('reads the manager once confirmed, and at each saved change', () => {
    const consents: Record<string, boolean> = { 'vitrine-functional': true, 'vitrine-personalization': false, 'vitrine-measurement': false };
    const watchers: { update(m: unknown, e: string): void }[] = [];
    const manager = { confirmed: true, getConsent: (s: string) => consents[s], watch: (x: (typeof watchers)[number]) => watchers.push(x), unwatch: () => undefined };
    w.klaro = { getManager: () => manager };
    const reports = run('klaro');
    expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: false, explicit: false });
    consents['vitrine-personalization'] = true;
    for (const x of watchers) x.update(manager, 'saveConsents');
    expect(last(reports)).toMatchObject({ personalization: true, explicit: true });
  });
});

describe('Shopify Customer Privacy', () => {
  it('reads the allowed purposes once the visitor answered, and at visitorConsentCollected', () => {
    const state = { preferences: '', marketing: '', analytics: '', sale_of_data: '' };
    let allowed = { pref: false, mkt: false, ana: false };
    w.Shopify = {
      customerPrivacy: {
        currentVisitorConsent: () => state,
        shouldShowBanner: () => true,
        preferencesProcessingAllowed: () => allowed.pref,
        marketingAllowed: () => allowed.mkt,
        analyticsProcessingAllowed: () => allowed.ana,
      },
    };
    const reports = run('shopify');
    expect(reports).toEqual([]);
    Object.assign(state, { preferences: 'yes', marketing: 'no', analytics: 'yes' });
    allowed = { pref: true, mkt: false, ana: true };
    document.dispatchEvent(new CustomEvent('visitorConsentCollected', { detail: {} }));
    expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: true, explicit: true });
  });
});

describe('Google Consent Mode v2', () => {
  it("decides at the banner's update, the last value of each type winning; defaults alone decide nothing", async () => {
    vi.useFakeTimers();
    w.dataLayer = [];
    // What gtag() pushes: its arguments object.
    function gtag(..._args: unknown[]) {
      // biome-ignore lint/complexity/noArguments: gtag's stub pushes its arguments object, which is what Consent Mode's readers expect.
      (w.dataLayer as unknown[]).push(arguments);
    }
    gtag('consent', 'default', { analytics_storage: 'denied', personalization_storage: 'denied', functionality_storage: 'granted' });
    gtag('consent', 'default', { analytics_storage: 'granted', personalization_storage: 'granted', region: ['US'] });
    gtag('event', 'page_view');
    const reports = run('consent-mode');
    expect(reports).toEqual([]);
    gtag('consent', 'update', { analytics_storage: 'granted' });
    vi.advanceTimersByTime(600);
    // The US-only default did not leak in: personalization is still the global default's.
    expect(last(reports)).toEqual({ functional: true, personalization: false, measurement: true, explicit: false });
    gtag('consent', 'update', { personalization_storage: 'granted', analytics_storage: 'denied' });
    vi.advanceTimersByTime(600);
    expect(last(reports)).toEqual({ functional: true, personalization: true, measurement: false, explicit: false });
  });
});

describe('cookieconsent without its global', () => {
  it('reads the categories from cc_cookie', () => {
    document.cookie = `cc_cookie=${encodeURIComponent(JSON.stringify({ categories: ['necessary', 'analytics'] }))}`;
    const reports = run('cookieconsent');
    expect(last(reports)).toEqual({ functional: false, personalization: false, measurement: true, explicit: false });
  });
});

describe('auto detection', () => {
  it('looks in the documented order and waits for a CMP that loads late', async () => {
    expect(DETECTION_ORDER.map(([name]) => name)).toEqual(['tcf', 'gpp', 'onetrust', 'cookiebot', 'didomi', 'usercentrics', 'klaro', 'cookieconsent', 'shopify', 'consent-mode']);
    w.Cookiebot = {};
    w.OnetrustActiveGroups = ',C0001,';
    expect(await detectCmp(w, 0)).toBe('onetrust');
    delete w.Cookiebot;
    delete w.OnetrustActiveGroups;
    setTimeout(() => (w.klaro = {}), 250);
    expect(await detectCmp(w, 2000)).toBe('klaro');
  });

  it('falls back to manual when no CMP shows up in time', async () => {
    expect(await detectCmp(w, 150)).toBe('manual');
  });
});

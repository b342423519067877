import { afterEach, describe, expect, it, vi } from 'vitest';
import { TCModel, TCString, GVL } from '@iabtcf/core';
import { CmpApi as TcfCmpApi } from '@iabtcf/cmpapi';
import { CmpApi as GppCmpApi, SignalStatus } from '@iabgpp/cmpapi';
import stubSource from '@iabtcf/stub/lib/stub.js?raw';
import { createVitrine, type Vitrine } from 'vitrine';

// The real IAB reference implementations run in this page: @iabtcf/stub (the __tcfapiLocator
// frame and its postMessage handler), @iabtcf/cmpapi (__tcfapi) fed with TC strings made by
// @iabtcf/core, and @iabgpp/cmpapi (__gpp).
new Function(stubSource)();
const tcfCmp = new TcfCmpApi(10, 1);
const VENDOR = 1234;
const gvl = new GVL({
  gvlSpecificationVersion: 3,
  vendorListVersion: 1,
  tcfPolicyVersion: 4,
  lastUpdated: '2026-11-01T00:00:00Z',
  purposes: Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((id) => [id, { id, name: `P${id}`, description: '', illustrations: [] }])),
  specialPurposes: {},
  features: {},
  specialFeatures: {},
  stacks: {},
  dataCategories: {},
  vendors: {
    [VENDOR]: {
      id: VENDOR,
      name: 'Shop',
      purposes: [1, 5, 6, 8],
      legIntPurposes: [8],
      flexiblePurposes: [],
      specialPurposes: [],
      features: [],
      specialFeatures: [],
      urls: [],
      cookieMaxAgeSeconds: 0,
      usesCookies: false,
      usesNonCookieAccess: false,
    },
  },
} as never);

function tcString(consents: number[], interests: number[] = [], vendor = true): string {
  const m = new TCModel(gvl);
  m.cmpId = 10;
  m.cmpVersion = 1;
  m.purposeConsents.set(consents);
  m.purposeLegitimateInterests.set(interests);
  if (vendor) m.vendorConsents.set(VENDOR);
  return TCString.encode(m);
}

const WORKER = '/dist/vitrine-worker.js';
let running: Vitrine[] = [];
let n = 0;
async function start(consent: Record<string, unknown>): Promise<Vitrine> {
  const v = await createVitrine({ siteId: `consent-${Date.now().toString(36)}-${n++}`, workerUrl: WORKER, consent });
  running.push(v);
  return v;
}
afterEach(async () => {
  for (const v of running) await v.destroy();
  running = [];
  for (const f of document.querySelectorAll('iframe[data-test]')) f.remove();
});

const purposes = (v: Vitrine) => {
  const { functional, personalization, measurement } = v.consent.get().purposes;
  return { functional, personalization, measurement };
};

describe('TCF v2.2 with the IAB reference CMP API', () => {
  it("stays closed while the banner shows, then follows the shopper's choice", async () => {
    tcfCmp.update('', true); // cmpuishown: no decision yet
    const v = await start({ source: 'tcf' });
    await new Promise((r) => setTimeout(r, 300));
    expect(v.consent.get()).toMatchObject({ decided: false });

    tcfCmp.update(tcString([1, 5, 6, 8]), false);
    await vi.waitFor(() => expect(v.consent.get()).toMatchObject({ decided: true, source: 'tcf' }));
    expect(purposes(v)).toEqual({ functional: true, personalization: true, measurement: true });

    tcfCmp.update(tcString([1, 8]), false); // useractioncomplete: personalization withdrawn
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: false, measurement: true }));
    expect(v.consent.get().explicit).toBe(true);
  });

  it('never counts legitimate interest for purposes 5 and 6, and requires the vendor when configured', async () => {
    tcfCmp.update(tcString([1, 5, 6, 8]), false);
    const v = await start({ source: 'tcf', vendorId: VENDOR });
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: true, measurement: true }));
    tcfCmp.update(tcString([1], [5, 6, 8]), false);
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: false, measurement: true }));
    tcfCmp.update(tcString([1, 5, 6, 8], [], false), false);
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: false, personalization: false, measurement: false }));
  });

  it('grants every purpose when the CMP says GDPR does not apply', async () => {
    const v = await start({ source: 'tcf' });
    tcfCmp.update(null, false);
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: true, measurement: true }));
  });

  it('applies Global Privacy Control to a loaded state, and yields to the shopper acting in the banner', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      tcfCmp.disable();
      // A fresh CMP state: its first update is 'tcloaded' (a stored choice), the next 'useractioncomplete'.
      Object.assign(tcfCmp, { numUpdates: 0 });
      (await import('@iabtcf/cmpapi')).CmpApiModel.reset();
      const cmp = new TcfCmpApi(10, 1);
      const v = await start({ source: 'tcf' });
      cmp.update(tcString([1, 5, 6, 8]), false);
      await vi.waitFor(() => expect(v.consent.get()).toMatchObject({ decided: true, gpc: true, explicit: false }));
      expect(purposes(v)).toEqual({ functional: true, personalization: false, measurement: false });
      cmp.update(tcString([1, 5, 6, 8]), false);
      await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: true, measurement: true }));
    } finally {
      delete (navigator as unknown as Record<string, unknown>).globalPrivacyControl;
    }
  });

  it('reaches a CMP in the parent page through __tcfapiLocator, and ignores forged answers', async () => {
    tcfCmp.update('', true);
    const frame = Object.assign(document.createElement('iframe'), { srcdoc: '<!doctype html><title>shop frame</title>' });
    frame.dataset.test = '';
    const evil = Object.assign(document.createElement('iframe'), { srcdoc: '<!doctype html><title>evil</title>' });
    evil.dataset.test = '';
    document.body.append(frame, evil);
    await new Promise((r) => frame.addEventListener('load', r, { once: true }));
    const w = frame.contentWindow as Window & { __vitrineChunks?: Record<string, (ctx: unknown) => () => void> };
    await new Promise((resolve, reject) => {
      const s = w.document.createElement('script');
      s.src = '/dist/vitrine-consent-tcf.js';
      s.onload = resolve;
      s.onerror = reject;
      w.document.head.append(s);
    });
    // Learn the call id the adapter uses, as an attacker in another frame might.
    const callIds: string[] = [];
    addEventListener('message', (e) => {
      const id = (e.data as { __tcfapiCall?: { callId: string } })?.__tcfapiCall?.callId;
      if (id) callIds.push(id);
    });
    const signals: unknown[] = [];
    const stop = w.__vitrineChunks!['consent-tcf']!({
      window: w,
      options: { source: 'tcf', categories: {}, vendorId: undefined, waitMs: 1000 },
      onSignal: (s: unknown) => signals.push(s),
    });
    await vi.waitFor(() => expect(callIds).toHaveLength(1));
    const forged = { __tcfapiReturn: { callId: callIds[0], success: true, returnValue: { eventStatus: 'useractioncomplete', purpose: { consents: { 1: true, 5: true, 6: true, 8: true } } } } };
    // From another frame, aimed at the shop frame itself, with the real call id.
    (evil.contentWindow as Window & { __target?: Window; eval(code: string): unknown }).__target = w;
    (evil.contentWindow as Window & { eval(code: string): unknown }).eval(`window.__target.postMessage(${JSON.stringify(forged)}, '*')`);
    w.postMessage('not json {', '*');
    w.postMessage(null, '*');
    await new Promise((r) => setTimeout(r, 200));
    expect(signals).toEqual([]);

    tcfCmp.update(tcString([1, 8]), false);
    await vi.waitFor(() => expect(signals).toContainEqual({ functional: true, personalization: false, measurement: true, explicit: expect.any(Boolean) }));
    stop();
  });

  it('stays closed when the CMP never loads, never answers or throws, and the page keeps working', async () => {
    const v = await start({ source: 'klaro', waitMs: 200 });
    await new Promise((r) => setTimeout(r, 400));
    expect(v.consent.get().decided).toBe(false);
    expect((await v.cart.add({ sku: 'A', qty: 1, price: 1 })).items).toHaveLength(1);

    // A __tcfapi that only queues calls (what a stub does), with no CMP ever taking the queue
    // over. (The real stub, in a frame below this page, would find this page's CMP instead.)
    const frame = Object.assign(document.createElement('iframe'), { srcdoc: '<!doctype html><title>stub only</title>' });
    frame.dataset.test = '';
    document.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r, { once: true }));
    const fw = frame.contentWindow as Window & { eval(code: string): unknown; __vitrineChunks?: Record<string, (ctx: unknown) => () => void> };
    fw.eval('window.__tcfapi = function () { (window.__queued = window.__queued || []).push(arguments); }');
    await new Promise((resolve) => {
      const sc = fw.document.createElement('script');
      sc.src = '/dist/vitrine-consent-tcf.js';
      sc.onload = resolve;
      fw.document.head.append(sc);
    });
    const silent: unknown[] = [];
    const stopSilent = fw.__vitrineChunks!['consent-tcf']!({ window: fw, options: { source: 'tcf', categories: {}, vendorId: undefined, waitMs: 300 }, onSignal: (x: unknown) => silent.push(x) });
    await new Promise((r) => setTimeout(r, 400));
    expect(silent).toEqual([]);
    stopSilent();

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const page = window as unknown as { __tcfapi: unknown };
    const saved = page.__tcfapi;
    page.__tcfapi = () => {
      throw new Error('the CMP broke');
    };
    try {
      const broken = await start({ source: 'tcf' });
      await vi.waitFor(() => expect(errors).toHaveBeenCalledWith('[vitrine]', expect.objectContaining({ message: 'the CMP broke' })));
      expect(broken.consent.get().decided).toBe(false);
    } finally {
      page.__tcfapi = saved;
    }
  });
});

describe('what the CMP refuses, the device does not keep', () => {
  async function stores(siteId: string) {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open(`vitrine:${siteId}`);
      r.onsuccess = () => resolve(r.result);
    });
    const out: Record<string, unknown[]> = {};
    for (const name of ['signals', 'profile', 'cart', 'exposures', 'outbox', 'meta']) {
      out[name] = await new Promise((resolve) => {
        const r = db.transaction(name).objectStore(name).getAll();
        r.onsuccess = () => resolve(r.result);
      });
    }
    db.close();
    return out;
  }

  it('keeps only the consent record after a refusal', async () => {
    const siteId = `refused-${Date.now().toString(36)}`;
    const v = await createVitrine({ siteId, workerUrl: WORKER, consent: { source: 'tcf' } });
    running.push(v);
    tcfCmp.update(tcString([]), false);
    await vi.waitFor(() => expect(v.consent.get().decided).toBe(true));
    v.track('product_view', { sku: 'A', category: 'yoga' });
    await v.cart.add({ sku: 'A', qty: 1, price: 1 });
    await v.flush();
    const s = await stores(siteId);
    expect({ ...s, meta: s.meta!.map((m) => (m as { key: string }).key) }).toEqual({ signals: [], profile: [], cart: [], exposures: [], outbox: [], meta: ['consent'] });
  });

  it('erases signals and profile when the CMP withdraws personalization', async () => {
    const siteId = `withdrawn-${Date.now().toString(36)}`;
    const v = await createVitrine({ siteId, workerUrl: WORKER, consent: { source: 'tcf' } });
    running.push(v);
    tcfCmp.update(tcString([1, 5, 6]), false);
    await vi.waitFor(() => expect(v.consent.get().purposes.personalization).toBe(true));
    v.track('product_view', { sku: 'A', category: 'yoga' });
    await v.flush();
    expect((await stores(siteId)).signals).toHaveLength(1);
    tcfCmp.update(tcString([1]), false);
    await vi.waitFor(() => expect(v.consent.get().purposes.personalization).toBe(false));
    const s = await stores(siteId);
    expect([s.signals, s.profile]).toEqual([[], []]);
  });
});

describe('GPP with the IAB reference CMP API', () => {
  const gppCmp = new GppCmpApi(10, 1);

  it('waits for signalStatus ready, then reads usnat opt-outs', async () => {
    const v = await start({ source: 'gpp' });
    gppCmp.setApplicableSections([7]);
    gppCmp.setFieldValue('usnat', 'SaleOptOut', 2);
    gppCmp.setFieldValue('usnat', 'SharingOptOut', 2);
    gppCmp.setFieldValue('usnat', 'TargetedAdvertisingOptOut', 1);
    gppCmp.setSignalStatus(SignalStatus.NOT_READY);
    await new Promise((r) => setTimeout(r, 200));
    expect(v.consent.get().decided).toBe(false);
    gppCmp.setSignalStatus(SignalStatus.READY);
    await vi.waitFor(() => expect(v.consent.get()).toMatchObject({ decided: true, source: 'gpp' }));
    expect(purposes(v)).toEqual({ functional: true, personalization: false, measurement: true });

    gppCmp.setSignalStatus(SignalStatus.NOT_READY);
    gppCmp.setFieldValue('usnat', 'TargetedAdvertisingOptOut', 2);
    gppCmp.setFieldValue('usnat', 'SaleOptOut', 1);
    gppCmp.setSignalStatus(SignalStatus.READY);
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: false, measurement: false }));
  });

  it('honours the GPC field of usnat', async () => {
    gppCmp.setSignalStatus(SignalStatus.NOT_READY);
    gppCmp.setApplicableSections([-1]);
    gppCmp.setSignalStatus(SignalStatus.READY);
    const v = await start({ source: 'gpp' });
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: true, measurement: true }));
    gppCmp.setSignalStatus(SignalStatus.NOT_READY);
    gppCmp.setApplicableSections([7]);
    gppCmp.setFieldValue('usnat', 'SaleOptOut', 2);
    gppCmp.setFieldValue('usnat', 'SharingOptOut', 2);
    gppCmp.setFieldValue('usnat', 'TargetedAdvertisingOptOut', 2);
    gppCmp.setFieldValue('usnat', 'GpcSegmentIncluded', true);
    gppCmp.setFieldValue('usnat', 'Gpc', true);
    gppCmp.setSignalStatus(SignalStatus.READY);
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: false, measurement: false }));
  });

  it('reads a tcfeuv2 section with the TCF mapping', async () => {
    const v = await start({ source: 'gpp' });
    gppCmp.setSignalStatus(SignalStatus.NOT_READY);
    gppCmp.deleteSection('usnat');
    gppCmp.setApplicableSections([2]);
    gppCmp.setFieldValue('tcfeuv2', 'IsServiceSpecific', true);
    gppCmp.setFieldValue(
      'tcfeuv2',
      'PurposeConsents',
      Array.from({ length: 24 }, (_, i) => [1, 5, 6].includes(i + 1)),
    );
    gppCmp.setFieldValue(
      'tcfeuv2',
      'PurposeLegitimateInterests',
      Array.from({ length: 24 }, () => false),
    );
    gppCmp.setSignalStatus(SignalStatus.READY);
    await vi.waitFor(() => expect(purposes(v)).toEqual({ functional: true, personalization: true, measurement: false }));
  });
});

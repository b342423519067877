import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdbStore } from '../../worker/storage/idb';
import { createMemoryStore } from '../../worker/storage/memory';
import type { ExposureRecord, Store } from '../../worker/storage/store';
import { allowedFor, keptAnyway, mayKeepCart, mayKeepCatalog, mayKeepDecisions, mayKeepExposures, mayKeepSeed, mayKeepSignals, mayReport } from '../../worker/purposes';
import { emptyProfile, updateProfile } from '../../worker/profile';
import { createEngine } from '../../worker/engine';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import type { EngineApi, EngineEvent } from '../../src/protocol/engine';
import type { TrackEvent } from '../../src/protocol/events';
import { testCatalog } from '../fixtures/catalog';
import { decided, ok } from './replies';
import { freshIndexedDB } from './idb';

const ALL = decided({ functional: true, personalization: true, measurement: true });
/** "Reject all": only what `necessary` keeps. */
const NONE = decided({});
const T = Date.now();
const events: TrackEvent[] = [{ type: 'product_view', at: T, payload: { sku: 'S1', category: 'running' } }];
const seen: ExposureRecord = { offer: 'yoga-mat', variant: 'default', arm: 'personalized', slot: 'home-hero', kind: 'impression', at: T };

/**
 * Every write that keeps something, each with the guard its caller uses in the engine, and
 * what it would leave behind. A withdrawal stored by another tab before the write's
 * transaction must leave none of it.
 */
const WRITES: [name: string, write: (store: Store) => Promise<unknown>, left: (store: Store) => Promise<unknown>][] = [
  [
    'signals and the profile',
    (s) => s.appendSignals(events, { maxSignals: 10, maxAgeDays: 30 }, T, (p) => updateProfile(p, events), mayKeepSignals),
    async (s) => (await s.count('signals')) + (await s.count('profile')) || undefined,
  ],
  ['the profile (mute, prefer)', (s) => s.putProfile(emptyProfile(T), allowedFor('profile')), (s) => s.getProfile()],
  ['the cart', (s) => s.update('cart', () => ({ id: 'current', lines: [], updatedAt: T }), mayKeepCart), (s) => s.get('cart')],
  ['the outbox', (s) => s.update('outbox', () => ({ id: 'current', reportedUntil: T, reports: [] }), mayReport), (s) => s.get('outbox')],
  ['an exposure', (s) => s.addExposure(seen, mayKeepExposures), async (s) => (await s.count('exposures')) || undefined],
  ['the catalog cache', (s) => s.setMeta('catalog', { catalog: validateCatalog(testCatalog()), etag: null, fetchedAt: T, schema: 1, key: null }, mayKeepCatalog), (s) => s.getMeta('catalog')],
  ['the last decisions', (s) => s.setMeta('decisions', { 'home-hero': [] }, mayKeepDecisions), (s) => s.getMeta('decisions')],
  ['the device seed', (s) => s.setMeta('seed', 42, mayKeepSeed), (s) => s.getMeta('seed')],
  ['the priors cache', (s) => s.setMeta('priors', { priors: null, key: null, etag: null, fetchedAt: T, schema: 1 }, allowedFor('priors')), (s) => s.getMeta('priors')],
  ['the report domains', (s) => s.setMeta('reportDomains', { v1: [['yoga-mat', 'default']] }, mayReport), (s) => s.getMeta('reportDomains')],
];

beforeEach(() => {
  freshIndexedDB();
});

describe.each([
  [
    "IndexedDB, the withdrawal stored through another tab's connection",
    async () => {
      const store = await createIdbStore('vitrine:guards', 1000);
      await store.setMeta('consent', ALL, keptAnyway);
      const other = await createIdbStore('vitrine:guards', 1000);
      await other.setMeta('consent', NONE, keptAnyway);
      other.close();
      return store;
    },
  ],
  [
    'memory',
    async () => {
      const store = createMemoryStore();
      await store.setMeta('consent', NONE, keptAnyway);
      return store;
    },
  ],
])('a withdrawal racing each write, in %s', (_, withdrawn) => {
  it.each(WRITES)('leaves nothing of %s behind', async (_name, write, left) => {
    const store = await withdrawn();
    await expect(write(store)).rejects.toMatchObject({ code: 'consent-required' });
    expect(await left(store)).toBeUndefined();
    // The same write lands once the stored decision allows it again: the guard, not the write, refused.
    await store.setMeta('consent', ALL, keptAnyway);
    await write(store);
    expect(await left(store)).toBeDefined();
    store.close();
  });

  it('keeps what necessary keeps whatever the decision: the decision itself and the muted categories', async () => {
    const store = await withdrawn();
    await store.setMeta('muted', ['running'], keptAnyway);
    expect(await store.getMeta('muted')).toEqual(['running']);
    expect(await store.getMeta('consent')).toEqual(NONE);
    store.close();
  });
});

describe("the guard is part of every write's type", () => {
  it('does not compile a write without one', async () => {
    const store = createMemoryStore();
    // @ts-expect-error the guard is required
    await store.setMeta('seed', 1).catch(() => undefined);
    // @ts-expect-error the guard is required
    await store.putProfile(emptyProfile(T)).catch(() => undefined);
    // @ts-expect-error the guard is required
    await store.update('cart', () => undefined).catch(() => undefined);
    // @ts-expect-error the guard is required
    await store.addExposure(seen).catch(() => undefined);
    expect(await store.getMeta('seed')).toBeUndefined();
  });
});

describe('the merged cart, when another tab grants and withdraws functional before this one heard of the grant', () => {
  const open: EngineApi[] = [];
  afterEach(async () => {
    for (const e of open.splice(0)) await e.close();
    vi.restoreAllMocks();
  });

  it("is not written: the session cart stays in this tab's memory, and nothing is on the device", async () => {
    const tab = async () => {
      const engine = createEngine();
      const heard: EngineEvent[] = [];
      ok(await engine.init({ siteId: 'guards' }, (e) => heard.push(e)));
      open.push(engine);
      return { engine, heard };
    };
    const a = await tab();
    const b = await tab();
    ok(await b.engine.cart({ kind: 'add', item: { sku: 'B1', qty: 1, price: 10 } }));
    // Hold what tab A tells the others until A has granted and withdrawn.
    const held: [BroadcastChannel, unknown][] = [];
    const post = BroadcastChannel.prototype.postMessage;
    vi.spyOn(BroadcastChannel.prototype, 'postMessage').mockImplementation(function (this: BroadcastChannel, message: unknown) {
      held.push([this, message]);
    });
    ok(await a.engine.setConsent(decided({ functional: true })));
    ok(await a.engine.setConsent(NONE));
    vi.restoreAllMocks();
    const grant = held.findIndex(([, m]) => (m as { t?: string }).t === 'consent');
    expect(grant).toBeGreaterThanOrEqual(0);
    // B hears of the grant alone: the stored decision already says functional is withdrawn.
    for (const [channel, message] of held.slice(0, grant + 1)) post.call(channel, message);
    await vi.waitFor(() => expect(b.heard.some((e) => e.type === 'consent')).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    const raw = await createIdbStore('vitrine:guards', 1000);
    expect(await raw.get('cart')).toBeUndefined();
    raw.close();
    expect((ok(await b.engine.getCart()) as { items: { sku: string }[] }).items.map((i) => i.sku)).toEqual(['B1']);
  });
});

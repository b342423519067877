import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createEngine } from '../../worker/engine';
import type { EngineApi, EngineEvent, EngineHello } from '../../src/protocol/engine';
import { ok } from './replies';
import { freshIndexedDB } from './idb';
import { startCdn, type Cdn } from '../catalog-cdn';
import { testCatalog } from '../fixtures/catalog';

/** An engine standing in for one browser tab, with the events it told its page. */
export interface Tab {
  engine: EngineApi;
  events: EngineEvent[];
  hello: EngineHello;
}

/** What {@link engineTabs} gives a test file. */
export interface EngineTabs {
  /** The current test's site id, also its catalog's name on the CDN. */
  readonly site: string;
  /** The CDN on loopback that serves the catalogs. */
  readonly cdn: Cdn;
  /** The current test's catalog URL. */
  readonly catalogUrl: string;
  /** Starts an engine for a new tab of the site, with its catalog unless `options` says otherwise; closed after the test. */
  open(options?: Record<string, unknown>): Promise<Tab>;
  /** Closes an engine the test made itself after the test, as those of {@link open}. */
  closeAfter(engine: EngineApi): EngineApi;
}

/**
 * Engines standing in for browser tabs, for the tests of a file (or a `describe`): a fresh
 * IndexedDB and a new site per test, its catalog on a CDN on loopback, every engine closed
 * after its test. Registers its hooks where it is called.
 * @param prefix the start of each test's site id
 * @param setup.catalog the catalog of a test's site (the test catalog by default)
 * @param setup.cdn starts the CDN (a plain one by default)
 * @example
 * const tabs = engineTabs('decide');
 * it('…', async () => { const { engine } = await tabs.open(); … });
 */
export function engineTabs(prefix: string, setup: { catalog?: (site: string) => unknown; cdn?: () => Promise<Cdn> } = {}): EngineTabs {
  let cdn: Cdn | undefined;
  let site = '';
  let n = 0;
  const open: EngineApi[] = [];
  beforeAll(async () => {
    cdn = await (setup.cdn ?? startCdn)();
  });
  afterAll(() => cdn?.stop());
  beforeEach(async () => {
    freshIndexedDB();
    site = `${prefix}-${n++}`;
    await cdn!.set(site, (setup.catalog ?? ((siteId) => testCatalog({ siteId })))(site));
  });
  afterEach(async () => {
    for (const engine of open.splice(0)) await engine.close();
  });
  return {
    get site() {
      return site;
    },
    get cdn() {
      return cdn!;
    },
    get catalogUrl() {
      return `${cdn!.base}/c/${site}`;
    },
    async open(options = {}) {
      const engine = createEngine();
      const events: EngineEvent[] = [];
      const hello = ok(await engine.init({ siteId: site, catalogUrl: `${cdn!.base}/c/${site}`, ...options }, (e) => events.push(e)));
      open.push(engine);
      return { engine, events, hello };
    },
    closeAfter(engine) {
      open.push(engine);
      return engine;
    },
  };
}

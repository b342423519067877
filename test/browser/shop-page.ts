import { expect, inject, vi } from 'vitest';
import type { Vitrine } from 'vitrine';
import { testCatalog } from '../fixtures/catalog';

/*
 * Shop pages as a merchant serves them (test/browser/fixtures/shipped*.html: the pasted snippet
 * and vitrine.js from dist/), each in an iframe of its own on this origin, for the tests of
 * what ships. Call closeShopPages() after each test.
 */

/** A shop page's window, with what the fixture leaves on it. */
export type ShopWindow = Window &
  typeof globalThis & {
    shopReady?: Vitrine;
    offerAtReady?: Element | null;
    /** The console lines the page wrote with `console.error` and `console.warn` (shipped.js). */
    logged?: string[];
    /** Uncaught errors and unhandled rejections on the page (shipped.js). */
    pageErrors?: string[];
  };

const cdn = inject('cdn');
let n = 0;
const frames: HTMLIFrameElement[] = [];

/** @returns where the catalog CDN stand-in serves a site's catalog */
export const catalogUrlOf = (site: string): string => `${cdn}/c/${site}`;

/**
 * Publishes a catalog for a fresh site on the catalog CDN stand-in.
 * @param prefix names the test's sites
 * @returns the site id and its catalog's URL
 */
export async function publishSite(prefix: string): Promise<{ site: string; catalogUrl: string }> {
  const site = `${prefix}-${Date.now().toString(36)}-${n++}`;
  const catalogUrl = catalogUrlOf(site);
  const res = await fetch(catalogUrl, { method: 'PUT', body: JSON.stringify(testCatalog({ siteId: site })) });
  expect(res.status).toBe(204);
  return { site, catalogUrl };
}

/**
 * Opens a fixture page in an iframe and waits for its `ready`.
 * @param page the fixture's file name
 * @param params its query
 * @param waitForReady false for a page whose engine is not meant to start: its window at once
 * @param fragment the page's `#fragment` (a cart handoff link's, say)
 * @returns the page's window
 */
export async function openShopPage(page: string, params: Record<string, string>, waitForReady = true, fragment = ''): Promise<ShopWindow> {
  const frame = document.createElement('iframe');
  frame.src = `/test/browser/fixtures/${page}?${new URLSearchParams(params)}${fragment}`;
  frames.push(frame);
  document.body.append(frame);
  const w = () => frame.contentWindow as ShopWindow;
  // The window proxy follows the frame to its page: read its document when needed, not now.
  if (waitForReady) await vi.waitFor(() => expect(w().shopReady).toBeDefined(), { timeout: 15_000 });
  return w();
}

/** Destroys the instances of the pages opened so far and removes them. */
export async function closeShopPages(): Promise<void> {
  for (const frame of frames.splice(0)) {
    await (frame.contentWindow as ShopWindow | null)?.shopReady?.destroy();
    frame.remove();
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../worker/index';
import { freshIndexedDB } from '../unit/idb';

// These tests run the built bundles: `npm test` builds first.
const dist = (file: string) => readFileSync(join(process.cwd(), 'dist', file), 'utf8');

type Queue = ((...args: unknown[]) => unknown) & { q?: unknown[]; cart?: { get(): Promise<{ items: unknown[] }> } };
const win = () => window as unknown as { vitrine?: Queue };

beforeEach(() => {
  freshIndexedDB();
  delete win().vitrine;
});
afterEach(() => vi.restoreAllMocks());

/** Runs a built script as the page runs a classic script: in the global scope. */
// biome-ignore lint/security/noGlobalEval: the test runs the shipped file's text, which is what it checks.
const runClassic = (text: string): unknown => (0, eval)(text);

function runSnippet(file = 'snippet.min.js'): HTMLScriptElement {
  const appended: Node[] = [];
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T) => (appended.push(node), node));
  runClassic(dist(file));
  expect(appended).toHaveLength(1);
  return appended[0] as HTMLScriptElement;
}

describe('script tag', () => {
  it('the README shows the snippet as it is built', () => {
    expect(readFileSync(join(process.cwd(), 'README.md'), 'utf8')).toContain(dist('snippet.min.js').trim());
  });

  it('the Trusted Types snippet does the same where the browser has no Trusted Types', () => {
    const script = runSnippet('snippet-trusted-types.min.js');
    expect(script.src).toMatch(/\/vitrine\/vitrine\.js$/);
    expect(script.async).toBe(true);
    expect(typeof win().vitrine).toBe('function');
  });

  it('the snippet queues commands and loads the SDK asynchronously', () => {
    const script = runSnippet();
    expect(script.src).toMatch(/\/vitrine\/vitrine\.js$/);
    expect(script.async).toBe(true);
    win().vitrine!('init', { siteId: 's' });
    expect(Array.from(win().vitrine!.q![0] as ArrayLike<unknown>)).toEqual(['init', { siteId: 's' }]);
  });

  it('a reference to the snippet stub kept by the page still reaches the SDK after it loads', async () => {
    runSnippet();
    const kept = win().vitrine!;
    kept('init', { siteId: 'iife-kept', engine: 'inline' });
    runClassic(dist('vitrine.js'));
    await vi.waitFor(() => expect(typeof win().vitrine!.cart).toBe('object'));
    kept('cart.add', { sku: 'K', qty: 1, price: 1 });
    await vi.waitFor(async () => expect((await win().vitrine!.cart!.get()).items).toEqual([{ sku: 'K', qty: 1, price: 1 }]));
  });

  it('the bundle drains the queue in order and then exposes the instance API', async () => {
    runSnippet();
    const v = () => win().vitrine!;
    const order: string[] = [];
    v()('init', { siteId: 'iife-test', engine: 'inline' });
    v()('consent.set', { functional: true });
    v()('cart.add', { sku: 'A', qty: 1, price: 3 });
    v()('ready', () => order.push('ready'));
    v()('cart.add', { sku: 'B', qty: 2, price: 4 });
    runClassic(dist('vitrine.js'));
    await vi.waitFor(() => expect(order).toEqual(['ready']));
    await vi.waitFor(async () => expect((await v().cart!.get()).items).toHaveLength(2));
    expect((await v().cart!.get()).items).toEqual([
      { sku: 'A', qty: 1, price: 3 },
      { sku: 'B', qty: 2, price: 4 },
    ]);
  });

  it('tells a second init queued before the SDK loaded as such, not as an unknown command', async () => {
    runSnippet();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const v = () => win().vitrine!;
    v()('init', { siteId: 'iife-twice', engine: 'inline' });
    v()('init', { siteId: 'iife-twice', engine: 'inline' });
    runClassic(dist('vitrine.js'));
    await vi.waitFor(() => expect(errors).toHaveBeenCalledWith('[vitrine]', 'vitrine is already initialised'));
    expect(errors.mock.calls.map(([, line]) => String(line)).filter((line) => line.startsWith('unknown-command'))).toEqual([]);
  });

  it('never lets an SDK error reach the host page', async () => {
    runSnippet();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const v = () => win().vitrine!;
    v()('init', { siteId: 'iife-errors', engine: 'inline' });
    runClassic(dist('vitrine.js'));
    await vi.waitFor(() => expect(typeof v().cart).toBe('object'));
    expect(() => v()('track', 'product_view', { sku: 1 })).not.toThrow();
    expect(errors).toHaveBeenCalledWith('[vitrine]', expect.stringContaining('invalid-payload: product_view.sku'));
    expect(() => v()('no.such.command')).not.toThrow();
    expect(errors).toHaveBeenCalledWith(
      '[vitrine]',
      expect.stringMatching(/^unknown-command: vitrine\("no\.such\.command"\): no such command\. The commands: init, ready, .*\bcart\.add\b.*\brender\b/),
    );
    // A near miss is named.
    v()('cart.ad', { sku: 'A', qty: 1, price: 1 });
    expect(errors).toHaveBeenCalledWith('[vitrine]', expect.stringContaining('unknown-command: vitrine("cart.ad"): no such command (did you mean cart.add?). The commands: '));
    // The README lists the same commands, no more and no fewer.
    const listed = errors.mock.calls.map(([, line]) => String(line)).find((line) => line.startsWith('unknown-command: vitrine("no.such.command")'))!;
    const commands = listed.slice(listed.indexOf('The commands: ') + 'The commands: '.length).split(', ');
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const paragraph = readme.slice(readme.indexOf('**The commands**'), readme.indexOf('Another name is refused'));
    expect([...paragraph.matchAll(/`([\w.]+)`/g)].map(([, name]) => name).sort()).toEqual([...commands].sort());
    // A rejected call resolves to undefined instead of an unhandled rejection.
    await expect(v()('cart.add', { sku: 'A' })).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalledWith('[vitrine]', expect.stringContaining('invalid-cart-item'));
  });
});

describe('chunks', () => {
  it('keeps ranking out of the bundles every page loads, and the signature check out of the engine', () => {
    expect(dist('vitrine-worker.js')).not.toContain('Featured by the shop');
    expect(dist('vitrine-decide.js')).toContain('Featured by the shop');
    for (const file of ['vitrine-worker.js', 'vitrine-worker-offers.js', 'vitrine-decide.js']) expect(dist(file), file).not.toContain('crypto.subtle.verify');
    expect(dist('vitrine-signature.js')).toContain('crypto.subtle.verify');
    // The script tag renders as it runs (a slot's last offers painted before the engine has
    // started); the ESM build loads rendering as a chunk.
    expect(dist('vitrine.js')).toContain('Why this offer?');
    expect(dist('vitrine.mjs')).not.toContain('Why this offer?');
    expect(dist('vitrine-render.js')).toContain('Why this offer?');
    // Each CMP adapter is its own file; the page bundle only knows how to find them.
    expect(dist('vitrine.js')).not.toContain('OneTrustGroupsUpdated');
    expect(dist('vitrine-consent-onetrust.js')).toContain('OneTrustGroupsUpdated');
  });
});

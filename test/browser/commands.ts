import type { BrowserCommand } from 'vitest/node';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Presses one key in the page, the way `userEvent.tab()` does: straight through the page's
 * keyboard. `userEvent.keyboard` first looks vitest's iframe up by name, which playwright over
 * WebDriver BiDi (Firefox) now and then cannot do ("Cannot find vitest-iframe on the page").
 */
export const pressKey: BrowserCommand<[key: 'Enter' | 'Escape' | 'Space']> = async (context, key) => {
  if (context.provider.name === 'playwright') {
    const { page } = context as unknown as { page: { keyboard: { press(key: string): Promise<void> } } };
    await page.keyboard.press(key === 'Space' ? ' ' : key);
    return;
  }
  const { browser } = context as unknown as { browser: { keys(keys: string[]): Promise<void> } };
  const codes = { Enter: '\uE007', Escape: '\uE00C', Space: '\uE00D' } as const;
  await browser.keys([codes[key]]);
};

/** What a server renders: a provider with its options and nonce, and its offer slots. */
export interface ServerTree {
  options: { siteId: string } & Record<string, unknown>;
  nonce?: string;
  slots: ({ slot: string; height: number | string } & Record<string, unknown>)[];
}

/**
 * Renders `vitrine/react` as a server does, in Node (react-dom/server, dist/react.mjs with the
 * pre-paint script's text, as Node resolves `vitrine/prepaint-script`), for the page to hydrate.
 * @returns the HTML
 */
export const renderReactServer: BrowserCommand<[tree: ServerTree]> = async (_context, tree) => {
  const { createElement } = await import('react');
  const { renderToString } = await import('react-dom/server');
  const { VitrineProvider, OfferSlot } = (await import(pathToFileURL(join(process.cwd(), 'dist/react.mjs')).href)) as typeof import('vitrine/react');
  return renderToString(
    createElement(VitrineProvider, { options: tree.options, ...(tree.nonce ? { nonce: tree.nonce } : {}) }, ...tree.slots.map((props) => createElement(OfferSlot, { key: props.slot, ...props }))),
  );
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    renderReactServer(tree: ServerTree): Promise<string>;
    pressKey(key: 'Enter' | 'Escape' | 'Space'): Promise<void>;
  }
}

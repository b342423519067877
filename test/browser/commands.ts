import type { BrowserCommand } from 'vitest/node';

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

declare module 'vitest/browser' {
  interface BrowserCommands {
    pressKey(key: 'Enter' | 'Escape' | 'Space'): Promise<void>;
  }
}

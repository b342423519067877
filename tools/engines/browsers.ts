import { chromium, firefox, type Page } from 'playwright-core';
import { remote } from 'webdriverio';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium';
import { firefoxPath } from './firefox';
import { freePort } from '../ports';
import { startWebKit, webkitCapabilities } from './webkit';

/** The engines a shop's visitors use: Chromium, Firefox (Gecko) and WebKit (Safari). */
export const ENGINES = ['chromium', 'firefox', 'webkit'] as const;
export type Engine = (typeof ENGINES)[number];

/** Where a browser keeps its website data: a profile folder kept across launches, or nothing (private browsing). */
export type Storage = { profile: string } | 'private';

/**
 * One browser window on the shop, the same few actions in every engine: Chromium and Firefox
 * through playwright (Firefox over WebDriver BiDi), WebKit through WebKitWebDriver (classic
 * WebDriver, webdriverio), all of them the system's browsers.
 */
export interface ShopBrowser {
  readonly engine: Engine;
  /** Opens `url` and waits for its load event, for at most `timeoutMs` (playwright's 30 s by default; WebKit's driver has its own). */
  goto(url: string, timeoutMs?: number): Promise<void>;
  /** Goes back one page in the history, as the browser's back button does. */
  back(): Promise<void>;
  /** Clicks the button whose accessible name (its aria-label, else its text) is `name`. */
  clickButton(name: string): Promise<void>;
  /** Runs `fn` in the page with `arg`, awaiting a promise it returns; the result crosses as JSON. */
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Waits until `fn` returns a truthy value in the page. */
  waitFor<A = undefined>(fn: (arg: A) => unknown, arg?: A, timeoutMs?: number): Promise<void>;
  /** Closes the browser, as a shopper quits it: what it keeps on disk stays in the profile. */
  close(): Promise<void>;
}

async function poll(check: () => Promise<unknown>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function playwrightBrowser(engine: Engine, page: Page, close: () => Promise<void>): ShopBrowser {
  const evaluate = <T, A>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> => page.evaluate(fn as never, arg) as Promise<T>;
  return {
    engine,
    goto: async (url, timeoutMs) => void (await page.goto(url, timeoutMs ? { timeout: timeoutMs } : {})),
    back: async () => void (await page.goBack()),
    clickButton: (name) => page.getByRole('button', { name, exact: true }).click(),
    evaluate,
    // Polled here, not with waitForFunction, which takes a promise the check returns for true.
    waitFor: (fn, arg, timeoutMs = 15_000) => poll(() => evaluate(fn, arg), timeoutMs, `a condition in ${engine}: ${fn.toString().slice(0, 80)}`),
    close,
  };
}

async function launchPlaywright(engine: 'chromium' | 'firefox', storage: Storage, chromiumArgs: readonly string[]): Promise<ShopBrowser> {
  const type = engine === 'chromium' ? chromium : firefox;
  const options =
    engine === 'chromium' ? { executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...chromiumArgs], headless: true } : { executablePath: firefoxPath(), channel: 'moz-firefox', headless: true };
  if (storage === 'private') {
    const browser = await type.launch(options);
    const context = await browser.newContext();
    const page = await context.newPage();
    return playwrightBrowser(engine, page, () => browser.close());
  }
  const context = await type.launchPersistentContext(storage.profile, options);
  const page = context.pages()[0] ?? (await context.newPage());
  return playwrightBrowser(engine, page, () => context.close());
}

async function launchWebKit(storage: Storage): Promise<ShopBrowser> {
  // One WebKitWebDriver serves one session: each launch has its own, stopped with the browser.
  const webkit = await startWebKit(await freePort());
  try {
    const browser = await remote({
      hostname: '127.0.0.1',
      port: webkit.port,
      logLevel: 'error',
      capabilities: { browserName: 'safari', ...webkitCapabilities(webkit.port, storage === 'private' ? 'private' : storage.profile) },
    });
    // WebDriver's default of 30 s for a script is shorter than a benchmark page's run.
    await browser.setTimeout({ script: 600_000 });
    const evaluate = <T, A>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> =>
      // WebDriver's Execute Script awaits a promise the script returns.
      (browser.execute as (script: unknown, arg: unknown) => Promise<T>)(fn, arg);
    return {
      engine: 'webkit',
      goto: async (url) => void (await browser.url(url)),
      back: () => browser.back(),
      async clickButton(name) {
        // The button by its accessible name as the page computes it (aria-label, else its
        // text), found in the page: webdriverio's `aria/` selector may land on an inner span.
        const find = (wanted: string) => [...document.querySelectorAll('button')].find((b) => b.offsetParent !== null && (b.getAttribute('aria-label') ?? b.textContent!.trim()) === wanted);
        await poll(() => browser.execute(find, name).then((found) => !!found), 10_000, `the button "${name}" in WebKit`);
        const button = await browser.$((await browser.execute(find, name)) as unknown as WebdriverIO.Element);
        // WebKitWebDriver clicks wherever the element was, without playwright's hit-target
        // check: a button under the fixed consent banner, or moved by offers painted above it,
        // would lose the click. Centre it and wait until it is what a click there would hit.
        await poll(
          () =>
            browser.execute(
              (el: HTMLElement) => {
                el.scrollIntoView({ block: 'center', inline: 'center' });
                const box = el.getBoundingClientRect();
                const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
                return !!hit && el.contains(hit);
              },
              button as unknown as HTMLElement,
            ),
          10_000,
          `the button "${name}" to be clickable in WebKit`,
        );
        await button.click();
      },
      evaluate,
      waitFor: (fn, arg, timeoutMs = 15_000) => poll(() => evaluate(fn, arg), timeoutMs, `a condition in WebKit: ${fn.toString().slice(0, 80)}`),
      async close() {
        try {
          await browser.deleteSession();
        } finally {
          await webkit.stop();
        }
      },
    };
  } catch (error) {
    await webkit.stop();
    throw error;
  }
}

/**
 * Launches the system browser of an engine.
 * @param engine which engine
 * @param storage a profile folder kept across launches, or private browsing
 * @param chromiumArgs switches added to Chromium's usual ones (a diagnostic run's V8 flags, say); the other engines take none
 * @returns the browser, on a blank page
 */
export function launchBrowser(engine: Engine, storage: Storage, chromiumArgs: readonly string[] = []): Promise<ShopBrowser> {
  if (chromiumArgs.length && engine !== 'chromium') throw new Error(`Chromium's switches (${chromiumArgs.join(' ')}) given to ${engine}`);
  return engine === 'webkit' ? launchWebKit(storage) : launchPlaywright(engine, storage, chromiumArgs);
}

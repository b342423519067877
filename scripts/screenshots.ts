/**
 * `npm run screenshots`: drives the running demo (`npm start`) in Debian's Chromium, as a
 * shopper and a marketer would, and writes the README's pictures to docs/screenshots/: the
 * consent banner, the storefront with offers, an offer with "Why this offer?" open, the
 * privacy center, and the dashboard with data. Run `npm run simulate` first for a dashboard
 * that has rows.
 *
 *   npm run screenshots -- [--url http://localhost:8080] [--token <dashboard token>]
 *
 * The token is the one `npm start` printed (or VITRINE_TOKEN).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium';

/** The command line: `--url` and `--token`. */
function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): { url: string; token: string | undefined } {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  return { url: (value('url') ?? `http://localhost:${env.PORT ?? 8080}`).replace(/\/$/, ''), token: value('token') ?? env.VITRINE_TOKEN };
}

/** Opens a page of the shop and waits until the SDK runs there. */
async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as unknown as { vitrine: { cart?: unknown } }).vitrine.cart === 'object');
}

/** Waits until nothing on the page is still moving (the banner fades in), then shoots. */
async function shoot(page: Page, file: string, fullPage = false): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  await page.screenshot({ path: file, fullPage });
  console.log(`wrote ${file}`);
}

async function main(): Promise<void> {
  const { url, token } = parseArgs(process.argv.slice(2), process.env);
  const out = resolve('docs/screenshots');
  mkdirSync(out, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'vitrine-screenshots-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1200, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await visit(page, `${url}/`).catch((error: Error) => {
      throw new Error(`could not open the demo at ${url} (${error.message.split('\n')[0]}): is \`npm start\` running?`);
    });
    await page.getByRole('dialog', { name: 'Your privacy choices' }).waitFor();
    await shoot(page, join(out, 'consent-banner.png'));

    // A shopper who accepts, and looks at coffee.
    await page.getByRole('button', { name: 'Accept all', exact: true }).click();
    for (const path of ['/c/coffee', '/p/CF-100', '/p/CF-200']) await visit(page, url + path);
    await page.getByRole('button', { name: 'Add to cart: Single origin beans' }).click();
    await page.evaluate(() => (window as unknown as { vitrine: { flush(): Promise<void> } }).vitrine.flush());
    await visit(page, `${url}/`);
    const hero = page.locator('[data-slot="home-hero"]');
    await hero.locator('article').first().waitFor();
    await shoot(page, join(out, 'storefront.png'));

    const offer = hero.locator('article').first();
    await offer.locator('summary').click();
    await offer.screenshot({ path: join(out, 'why-this-offer.png') });
    console.log(`wrote ${join(out, 'why-this-offer.png')}`);

    await visit(page, `${url}/privacy`);
    await page.locator('#stored tr').first().waitFor();
    await page.locator('#interests [data-category]').first().waitFor();
    await shoot(page, join(out, 'privacy-center.png'), true);

    if (!token) {
      console.log('No dashboard token (--token or VITRINE_TOKEN): the dashboard was not shot. `npm start` prints the token for its run.');
      return;
    }
    await page.goto(`${url}/dashboard?site=demo-shop`);
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard?site=demo-shop*');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shoot(page, join(out, 'dashboard.png'));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`screenshots: ${(error as Error).message}`);
  process.exit(1);
});

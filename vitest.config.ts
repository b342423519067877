import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { webdriverio } from '@vitest/browser-webdriverio';
import { pressKey, renderReactServer } from './test/browser/commands.ts';
import { CHROMIUM_ARGS, chromiumPath } from './tools/chromium.ts';
import { firefoxPath } from './tools/engines/firefox.ts';
import { freePort } from './tools/ports.ts';
import { webkitCapabilities } from './tools/engines/webkit.ts';

// The WebKit instance's driver port is chosen here, as vitest needs the provider's options
// before any globalSetup runs; tools/engines/webkit-setup.ts starts the driver on it.
const webkitPort = await freePort();

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          // The built files (dist/, after `npm run build`): byte budgets, the script tag as shipped, the declarations.
          name: 'built',
          include: ['test/built/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'server',
          include: ['test/server/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/postgres-setup.ts'],
        },
      },
      {
        test: {
          name: 'browser',
          // Browser tests run the built bundle, as a merchant gets it; types come from src/.
          alias: [
            { find: /^vitrine$/, replacement: fileURLToPath(new URL('./dist/vitrine.mjs', import.meta.url)) },
            { find: /^vitrine\/react$/, replacement: fileURLToPath(new URL('./dist/react.mjs', import.meta.url)) },
            // What an app's browser bundle gets (the "browser" export condition): no pre-paint text.
            { find: /^vitrine\/prepaint-script$/, replacement: fileURLToPath(new URL('./dist/prepaint-script.browser.mjs', import.meta.url)) },
          ],
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            commands: { pressKey, renderReactServer },
            headless: true,
            // One instance per engine, each named in results: `browser (firefox)`. Only system
            // browsers: Debian's chromium and firefox-esr, and WebKitGTK (tools/engines/webkit.ts).
            instances: [
              {
                browser: 'chromium',
                name: 'browser (chromium)',
                provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS } }),
              },
              {
                browser: 'firefox',
                name: 'browser (firefox)',
                // Playwright drives Debian's Firefox ESR through WebDriver BiDi: no Playwright build.
                provider: playwright({ launchOptions: { channel: 'moz-firefox', executablePath: firefoxPath() } }),
              },
              {
                // The webdriverio provider names WebKit 'safari'; tools/engines/webkit-browser.py
                // answers to that name.
                browser: 'safari',
                name: 'browser (webkit)',
                // WebKitGTK has no headless mode: its windows open on an Xvfb display.
                headless: false,
                provider: webdriverio({ hostname: '127.0.0.1', port: webkitPort, capabilities: webkitCapabilities(webkitPort) }),
                globalSetup: ['tools/engines/webkit-setup.ts'],
              },
            ],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // After the other projects, not beside them: three browser engines at once on two
          // cores starve WebKit's storage, whose answers then outlast the SDK's storage
          // timeout (README, "Browsers").
          sequence: { groupOrder: 1 },
          environment: 'node',
          globalSetup: ['test/postgres-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

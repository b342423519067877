import type { TestProject } from 'vitest/node';
import { startWebKit } from './webkit';

/**
 * Starts Xvfb and WebKitWebDriver for the WebKit instance of the browser tests, on the port its
 * webdriverio provider was given in vitest.config.ts (vitest reads the config before any
 * globalSetup), and stops both after the run, whatever its outcome.
 */
export default async function setup(project: TestProject) {
  const port = (project.config.browser.provider?.options as { port?: number } | undefined)?.port;
  if (!port) throw new Error(`the ${project.name} project's webdriverio provider has no port for WebKitWebDriver`);
  const webkit = await startWebKit(port);
  return async () => {
    try {
      // Vitest closes browser providers only after the global teardowns: end the WebDriver
      // session (and so the browser) while its driver still runs.
      await project.browser?.provider?.close();
    } finally {
      await webkit.stop();
    }
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, type Engine, type ShopBrowser, type Storage } from './browsers';

/**
 * The browsers and folders one test file opens, so that it closes and removes them all after
 * its tests, whichever failed: each test launches through it and closes what it is done with.
 */
export interface BrowserPool {
  /** A new browser profile folder (a device's website data). */
  newProfile(): { profile: string };
  /** A new folder of the file's own, removed with the profiles. */
  newFolder(prefix: string): string;
  /** Launches an engine's browser (with `chromiumArgs` added to Chromium's switches), closed by {@link closeAll} if not before. */
  launch(engine: Engine, storage: Storage, chromiumArgs?: readonly string[]): Promise<ShopBrowser>;
  /** Quits a browser, as a shopper does: what it keeps on disk stays in its profile. */
  close(browser: ShopBrowser): Promise<void>;
  /** Quits the browsers still open and removes every folder (for afterAll). */
  closeAll(): Promise<void>;
}

/** @param name names the folders, for a reader of the temporary directory */
export function browserPool(name: string): BrowserPool {
  const folders: string[] = [];
  const open: ShopBrowser[] = [];
  const newFolder = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), `vitrine-${name}-${prefix}-`));
    folders.push(dir);
    return dir;
  };
  return {
    newProfile: () => ({ profile: newFolder('profile') }),
    newFolder,
    async launch(engine, storage, chromiumArgs) {
      const browser = await launchBrowser(engine, storage, chromiumArgs);
      open.push(browser);
      return browser;
    },
    async close(browser) {
      open.splice(open.indexOf(browser), 1);
      await browser.close();
    },
    async closeAll() {
      for (const browser of open.splice(0)) await browser.close().catch(() => undefined);
      for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

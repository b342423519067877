import { existsSync } from 'node:fs';

/**
 * The system Firefox: `FIREFOX_PATH`, else Debian's `/usr/bin/firefox-esr`. Never a downloaded
 * one. Playwright drives it through WebDriver BiDi (`channel: 'moz-firefox'`), so no geckodriver.
 * @returns the executable's path
 */
export function firefoxPath(): string {
  const path = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
  if (!existsSync(path)) {
    throw new Error(`Firefox not found at ${path}: install Debian's firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH`);
  }
  return path;
}

import { existsSync } from 'node:fs';

/** Flags for headless Chromium on a machine with a closed network (see README). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/**
 * The system Chromium: `CHROME_PATH`, else Debian's `/usr/bin/chromium`. Never a downloaded one.
 * @returns the executable's path
 */
export function chromiumPath(): string {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install Debian's chromium (apt-get install chromium) or set CHROME_PATH`);
  }
  return path;
}

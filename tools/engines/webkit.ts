import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';

/*
 * WebKit for the browser tests: Debian's WebKitGTK (the engine behind Safari) through
 * WebKitWebDriver, on an Xvfb display because WebKitGTK has no headless mode. Nothing is
 * downloaded: the binaries come from the Debian packages named in the errors below.
 */

/**
 * The WebKitGTK browser WebKitWebDriver launches (see its docstring): beside this module, or
 * in the checkout when this module is bundled into a bench (`npm run bench` runs from it).
 */
const BROWSER = [fileURLToPath(new URL('./webkit-browser.py', import.meta.url)), join(process.cwd(), 'tools/engines/webkit-browser.py')].find(existsSync)!;
/** Debian's Python, the one python3-gi is built for (a pyenv or venv python3 lacks `gi`). */
const PYTHON = '/usr/bin/python3';
const XVFB = '/usr/bin/Xvfb';
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * The system WebKitWebDriver: `WEBKIT_DRIVER_PATH`, else Debian's. Never a downloaded one.
 * @returns the executable's path
 */
export function webkitDriverPath(): string {
  const path = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
  if (!existsSync(path)) {
    throw new Error(`WebKitWebDriver not found at ${path}: install Debian's webkit2gtk-driver (apt-get install webkit2gtk-driver) or set WEBKIT_DRIVER_PATH`);
  }
  return path;
}

/**
 * Where the WebKit browser of the driver on `port` keeps its profile (IndexedDB, cookies):
 * a real, persistent profile, as a shopper's Safari has, removed when the driver stops.
 * @param port the WebKitWebDriver's port
 * @returns a directory path (WebKit creates it)
 */
function profileDir(port: number): string {
  return join(tmpdir(), `vitrine-webkit-${port}`);
}

/**
 * WebDriver capabilities for a session on the driver `startWebKit(port)` starts.
 * @param port the WebKitWebDriver's port
 * @param storage where the browser keeps website data: a profile folder (by default one of
 *   the driver's, removed when it stops), or `private` for an ephemeral store, as Safari's
 *   private browsing has
 * @returns capabilities to merge into webdriverio's (browserName is the provider's: `safari`)
 */
export function webkitCapabilities(port: number, storage: string = profileDir(port)) {
  return {
    // WebKitWebDriver speaks classic WebDriver only, no BiDi.
    'wdio:enforceWebDriverClassic': true,
    'webkitgtk:browserOptions': { binary: PYTHON, args: [BROWSER, ...(storage === 'private' ? ['--ephemeral'] : ['--data-dir', storage])] },
  };
}

/** Xvfb and a WebKitWebDriver on its display, serving one WebDriver session. */
export interface WebKit {
  /** The X display the browser windows open on, such as `:1`. */
  display: string;
  port: number;
  /** Stops the driver (and so its browser), then Xvfb, each by process id, and removes the profile. */
  stop(): Promise<void>;
}

/**
 * Starts Xvfb on a free display and WebKitWebDriver on `port`, and resolves once both accept
 * connections. One driver serves one session: start one per browser.
 * @param port a free loopback port (`freePort` in tools/ports.ts)
 * @returns the running pair; call `stop()` whatever happens next
 * @example
 * const webkit = await startWebKit(await freePort());
 * try {
 *   // remote({ hostname: '127.0.0.1', port: webkit.port, capabilities: { browserName: 'safari', ...webkitCapabilities(webkit.port) } })
 * } finally {
 *   await webkit.stop();
 * }
 */
export async function startWebKit(port: number): Promise<WebKit> {
  const driverPath = webkitDriverPath();
  if (!existsSync(XVFB)) throw new Error(`Xvfb not found at ${XVFB}: install Debian's xvfb (apt-get install xvfb)`);
  checkBrowser();

  const xvfb = track(spawn(XVFB, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] }));
  let driver: ReturnType<typeof track> | undefined;
  // The last resort when vitest exits without tearing down (a timeout, Ctrl-C): nothing stays.
  const onExit = () => {
    driver?.kill();
    xvfb.kill();
    rmSync(profileDir(port), { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    await driver?.stop();
    await xvfb.stop();
    await rm(profileDir(port), { recursive: true, force: true });
  };
  try {
    // Xvfb picks a free display itself and writes its number to fd 3 once it accepts clients.
    const display = `:${(await xvfb.firstLine(xvfb.child.stdio[3] as Readable, 'Xvfb')).trim()}`;
    driver = track(spawn(driverPath, [`--port=${port}`], { env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'pipe'] }));
    await driver.untilReady(`http://127.0.0.1:${port}/status`, 'WebKitWebDriver');
    return { display, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Fails early, with the packages to install, when Debian's Python cannot load WebKitGTK. */
function checkBrowser(): void {
  const check = spawnSync(PYTHON, [BROWSER, '--check'], { encoding: 'utf8', timeout: READY_TIMEOUT_MS });
  if (check.status !== 0) {
    throw new Error(`The WebKit test browser cannot start with ${PYTHON}: install Debian's python3-gi gir1.2-gtk-3.0 gir1.2-webkit2-4.1\n${check.stderr ?? check.error}`);
  }
}

/** A child process: its recent output for error messages, readiness checks, and a stop by pid. */
function track(child: ChildProcess) {
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => {
      output.push(...text.split('\n').filter(Boolean));
      output.splice(0, output.length - 40);
    });
  }
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    });
    // A failed spawn emits 'error' and no 'exit'.
    child.once('error', (error) => {
      exit = error.message;
      resolve();
    });
  });
  const died = (name: string) => new Error(`${name} exited (${exit}) before it was ready:\n${output.join('\n')}`);

  return {
    child,
    /** Resolves with the first line `name` writes on `stream`; rejects if it exits or times out first. */
    firstLine(stream: Readable, name: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} was not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          text += chunk;
          if (!text.includes('\n')) return;
          clearTimeout(timer);
          resolve(text.slice(0, text.indexOf('\n')));
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(died(name));
        });
      });
    },
    /** Resolves once `url`, a WebDriver /status, answers ready; rejects if `name` exits or times out first. */
    async untilReady(url: string, name: string): Promise<void> {
      const deadline = Date.now() + READY_TIMEOUT_MS;
      while (!exit) {
        const status = await fetch(url).then(
          (res) => res.json() as Promise<{ value?: { ready?: boolean } }>,
          () => undefined,
        );
        if (status?.value?.ready) return;
        if (Date.now() > deadline) throw new Error(`${name} was not ready after ${READY_TIMEOUT_MS} ms:\n${output.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw died(name);
    },
    /** Kills the process by its pid without waiting: for the 'exit' hook, which cannot wait. */
    kill(): void {
      if (!exit && child.pid) signal(child.pid, 'SIGKILL');
    },
    /** Ends the process by its pid (SIGTERM, then SIGKILL after a grace period) and waits until it has exited. */
    async stop(): Promise<void> {
      if (exit || !child.pid) return;
      const pid = child.pid;
      signal(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exit) signal(pid, 'SIGKILL');
      }, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Sends a signal to a pid; a process that has exited meanwhile (ESRCH) needs none. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

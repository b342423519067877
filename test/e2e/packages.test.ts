import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../tools/chromium';
import { installOffline, packWorkspaces, type Packed } from '../packages';
import { demoReport } from '../fixtures/demo-report';

/*
 * The two packages as a stranger meets them: `npm pack`, then installed from the tarballs in a
 * fresh folder with no network. The SDK in a plain Vite app (it builds, its types resolve, the
 * page ranks an offer in Chromium); the collector started from its bin on an embedded SQLite
 * store (it answers /healthz and takes a report).
 */

const ROOT = process.cwd();
const folders: string[] = [];
const children: ChildProcess[] = [];
let packed: Record<string, Packed>;

const folder = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `vitrine-${name}-`));
  folders.push(dir);
  return dir;
};

beforeAll(() => {
  packed = packWorkspaces(folder('packs'));
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it('the SDK holds the built SDK and its types, nothing of the server, and depends on nothing else', () => {
    const sdk = packed.vitrine!;
    expect(sdk.files).toContain('dist/vitrine.mjs');
    expect(sdk.files).toContain('dist/vitrine.js');
    expect(sdk.files).toContain('dist/vitrine-worker-offers.js');
    expect(sdk.files).toContain('dist/types/src/index.d.ts');
    expect(sdk.files).toContain('LICENSE');
    // Only the built SDK: no server bundle, benchmark, test helper or source.
    expect(sdk.files.filter((f) => !/^(?:dist\/[^/]+\.(?:js|mjs)|dist\/types\/.+\.d\.ts|package\.json|LICENSE|README\.md)$/.test(f))).toEqual([]);
    expect(sdk.files.filter((f) => /server|bench|test/.test(f))).toEqual([]);
    // The SDK's runtime dependencies may only be idb and comlink (today it needs neither).
    expect(Object.keys(sdk.manifest.dependencies ?? {}).filter((d) => d !== 'idb' && d !== 'comlink')).toEqual([]);
    // Every subpath export names a file in the tarball.
    for (const target of Object.values(sdk.manifest.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e as Record<string, string>)))) {
      expect(sdk.files, target).toContain(target.replace(/^\.\//, ''));
    }
  });

  it('the collector holds its bins and what they import, no benchmark, and the server dependencies', () => {
    const collector = packed['@vitrine/collector']!;
    expect(collector.manifest.bin).toEqual({ 'vitrine-collector': './dist/server/main.mjs', 'vitrine-catalog': './dist/server/cli.mjs' });
    expect(collector.files).toContain('dist/server/main.mjs');
    expect(collector.files).toContain('dist/server/cli.mjs');
    expect(collector.files.filter((f) => /bench|accuracy|simulate|screenshots|test/.test(f))).toEqual([]);
    expect(collector.files.filter((f) => !/^(?:dist\/server\/[^/]+\.mjs|package\.json|LICENSE|README\.md)$/.test(f))).toEqual([]);
    expect(Object.keys(collector.manifest.dependencies ?? {}).sort()).toEqual(['@hono/node-server', 'better-sqlite3', 'hono', 'pg', 'vitrine']);
  });
});

describe('the SDK in a plain Vite app', () => {
  let app: string;
  beforeAll(() => {
    app = folder('vite-app');
    installOffline(app, [{ packed: packed.vitrine!, workspace: 'packages/vitrine' }]);
    // What the README tells a bundler's user: the engine and its chunks are hosted as they are.
    mkdirSync(join(app, 'public/vitrine'), { recursive: true });
    const sdk = join(app, 'node_modules/vitrine/dist');
    for (const file of readdirSync(sdk).filter((f) => f.endsWith('.js'))) cpSync(join(sdk, file), join(app, 'public/vitrine', file));
    cpSync(join(ROOT, 'demo/catalog.json'), join(app, 'public/catalog.json'));
    mkdirSync(join(app, 'src'));
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><section id="offers" aria-label="Offers for you"></section><script type="module" src="/src/main.ts"></script></body></html>',
    );
    writeFileSync(
      join(app, 'src/main.ts'),
      `import { createVitrine, type Decision, type VitrineOptions } from 'vitrine';

const options: VitrineOptions = { siteId: 'demo-shop', workerUrl: '/vitrine/vitrine-worker-offers.js', catalogUrl: '/catalog.json' };
async function main(): Promise<void> {
  const v = await createVitrine(options);
  await v.consent.set({ functional: true, personalization: true, measurement: false });
  const offers: Decision[] = await v.decide('home-hero', { limit: 1 });
  const slot = document.getElementById('offers')!;
  slot.dataset.engine = v.state().engine;
  slot.textContent = offers.map((o) => o.id).join(',');
}
void main();
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, types: [] }, include: ['src'] }),
    );
  });

  it('type-checks against the types in the tarball', () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, stdio: 'pipe' });
    // A wrong use is refused: the types are the SDK's, not `any`.
    writeFileSync(join(app, 'src/wrong.ts'), "import { createVitrine } from 'vitrine';\nvoid createVitrine({ siteId: 1 });\n");
    let refused = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, stdio: 'pipe' });
    } catch (error) {
      refused = String((error as { stdout: Buffer }).stdout);
    }
    rmSync(join(app, 'src/wrong.ts'));
    expect(refused).toMatch(/wrong\.ts\(2,\d+\): error TS2322/);
  });

  it('builds with Vite and ranks an offer in Chromium', async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: app, stdio: 'pipe' });
    const site = new Hono();
    site.use('*', serveStatic({ root: join(app, 'dist') }));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: site.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const slot = page.locator('#offers');
      await expect.poll(() => slot.textContent(), { timeout: 20_000 }).not.toBe('');
      const catalog = JSON.parse(readFileSync(join(ROOT, 'demo/catalog.json'), 'utf8')) as { offers: { id: string; slot: string }[] };
      expect(catalog.offers.filter((o) => o.slot === 'home-hero').map((o) => o.id)).toContain(await slot.textContent());
      expect(await slot.getAttribute('data-engine')).toBe('worker');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the collector from its bin', () => {
  it('starts on an embedded SQLite store, answers /healthz, hosts the SDK and takes a report', async () => {
    const dir = folder('collector');
    installOffline(
      dir,
      [
        { packed: packed.vitrine!, workspace: 'packages/vitrine' },
        { packed: packed['@vitrine/collector']!, workspace: 'packages/collector' },
      ],
      ['better-sqlite3'],
    );
    cpSync(join(ROOT, 'demo/catalog.json'), join(dir, 'catalog.json'));
    const token = 'a-stranger-token-of-32-characters';
    const child = spawn(join(dir, 'node_modules/.bin/vitrine-collector'), [], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        VITRINE_DATA: join(dir, 'data'),
        VITRINE_CATALOG: join(dir, 'catalog.json'),
        VITRINE_SITES: 'demo-shop',
        VITRINE_TOKEN: token,
        VITRINE_K: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        const ready = /^Offer catalog: +(http:\/\/localhost:\d+)\/v1\/catalog$/m.exec(out);
        if (ready) resolve(ready[1]!.replace('localhost', '127.0.0.1'));
      });
      child.stderr!.on('data', (chunk: Buffer) => (out += chunk));
      child.once('exit', (code) => reject(new Error(`vitrine-collector exited (${code}):\n${out}`)));
    });
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    const sdk = await fetch(`${base}/vitrine/vitrine.js`);
    expect(sdk.status).toBe(200);
    expect(await sdk.text()).toBe(readFileSync(join(dir, 'node_modules/vitrine/dist/vitrine.js'), 'utf8'));
    const report = demoReport(0);
    const sent = await fetch(`${base}/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(report) });
    expect(await sent.json()).toMatchObject({ accepted: true });
    const stats = await fetch(`${base}/v1/stats?site=demo-shop`, { headers: { Authorization: `Bearer ${token}` } });
    const { cells } = (await stats.json()) as { cells: { reports: number; impressions: number }[] };
    expect(cells.reduce((sum, c) => sum + c.impressions, 0)).toBe(report.cells.reduce((sum, c) => sum + c.impressions, 0));
    // Its SQLite file is in VITRINE_DATA, not inside the installed package.
    expect(readdirSync(join(dir, 'data')).length).toBeGreaterThan(0);
    // better-sqlite3 builds its native module from source (about 80 s on two cores).
  }, 300_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { createApp } from '../../../server/app';
import { serveFile } from '../../../server/static';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A served folder holding a file, dotfiles, and symlinks to a file and a folder outside it. */
function servedFolder() {
  const base = mkdtempSync(join(tmpdir(), 'vitrine-static-'));
  dirs.push(base);
  const root = join(base, 'public');
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(join(base, 'private'));
  writeFileSync(join(root, 'shop.js'), 'shop();');
  writeFileSync(join(root, '.env.json'), '{"secret":1}');
  writeFileSync(join(root, '.git', 'config.json'), '{"secret":2}');
  writeFileSync(join(base, 'private', 'key.json'), '{"secret":3}');
  symlinkSync(join(base, 'private', 'key.json'), join(root, 'key.json'));
  symlinkSync(join(base, 'private'), join(root, 'linked'));
  return new Hono().get('/files/*', (c) => serveFile(c, root, c.req.path.slice('/files/'.length), 'no-cache'));
}

describe('static paths', () => {
  const app = createApp({ root: process.cwd() });

  it.each(['/vitrine/server%2fmain.mjs', '/vitrine/server%2Fmain.mjs', '/vitrine/server', '/vitrine/types%2Findex.d.ts', '/vitrine/.vitrine.js', '/vitrine/vitrine.js.map'])(
    'serves no file of dist/ that is not the SDK: %s',
    async (path) => {
      expect((await app.request(path)).status).toBe(404);
    },
  );

  it.each(['vitrine.js', 'vitrine.mjs', 'vitrine-worker.js', 'vitrine-decide.js', 'vitrine-consent-tcf.js', 'snippet.min.js', 'snippet-trusted-types.min.js'])(
    'serves the SDK file %s',
    async (file) => {
      expect((await app.request(`/vitrine/${file}`)).status).toBe(200);
    },
  );

  it('serves a file of its folder with its type, length, cache policy and nosniff, and no dotfile, dot folder or symlink out of it', async () => {
    const files = servedFolder();
    const shop = await files.request('/files/shop.js');
    expect(await shop.text()).toBe('shop();');
    expect(Object.fromEntries([...shop.headers].filter(([name]) => ['content-type', 'content-length', 'cache-control', 'x-content-type-options'].includes(name)))).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': '7',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    for (const path of ['/files/.env.json', '/files/.git/config.json', '/files/key.json', '/files/linked/key.json', '/files/%2e%2e/private/key.json']) {
      const res = await files.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
  });
});

describe('the demo only when asked', () => {
  it('is not served by a production configuration', async () => {
    const production = createApp({ root: process.cwd() });
    for (const path of ['/', '/p/CF-100', '/demo/shop.js', '/demo/vendor/cookieconsent.umd.js']) expect((await production.request(path)).status, path).toBe(404);
    expect((await production.request('/vitrine/vitrine.js')).status).toBe(200);
  });

  it('gives its pages a nonce CSP that its inline scripts carry, frame-ancestors none, nosniff and a referrer policy', async () => {
    const demo = createApp({ root: process.cwd(), demo: true });
    const res = await demo.request('/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const page = await res.text();
    const inline = page.match(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/g)!;
    expect(inline).toHaveLength(2);
    for (const tag of inline) expect(tag).toBe(`<script nonce="${nonce}">`);
    const again = (await demo.request('/')).headers.get('content-security-policy');
    expect(again).not.toBe(csp);
  });
});

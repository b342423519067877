import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app';
import { startServer } from '../e2e/server';

const app = createApp({ root: process.cwd(), demo: true });

describe('server', () => {
  it('serves the demo page with the built snippet pasted inline', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(readFileSync(join(process.cwd(), 'dist/snippet.min.js'), 'utf8').trim());
    expect(html).not.toContain('<!-- vitrine:snippet -->');
  });

  it('serves the SDK files with ETag and answers 304 to a matching If-None-Match', async () => {
    const res = await app.request('/vitrine/vitrine-worker.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await app.request('/vitrine/vitrine-worker.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it.each(['/vitrine/..%2Fpackage.json', '/demo/..%2F..%2Fetc%2Fpasswd', '/demo/../../package.json', '/demo/%E0%A4%A', '/vitrine/types', '/demo/nope.js'])('answers 404 to %s', async (path) => {
    expect((await app.request(path)).status).toBe(404);
  });

  it('logs method, path and status over a real socket, never the client address or user agent', async () => {
    const log: string[] = [];
    const server = await startServer(log);
    try {
      const res = await fetch(`${server.base}/healthz`, { headers: { 'User-Agent': 'SecretAgent/1.0', Referer: 'http://ref.example/' } });
      expect(await res.json()).toEqual({ ok: true });
    } finally {
      await server.stop();
    }
    expect(log[0]).toMatch(/^GET \/healthz 200 [\d.]+ms$/);
    expect(log.at(-1)).toMatch(/^requests in the last \d+ s: GET \/healthz 200 ×1 \(mean [\d.]+ ms, max [\d.]+ ms\)$/);
    expect(log.join('\n')).not.toMatch(/127\.0\.0\.1|SecretAgent|ref\.example/);
  });
});

describe('GET /v1/catalog', () => {
  it('serves the demo catalog with an ETag, 304 when unchanged, and CORS for other origins', async () => {
    const res = await app.request('/v1/catalog');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect((await res.json()).siteId).toBe('demo-shop');
    const again = await app.request('/v1/catalog', { headers: { 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const preflight = await app.request('/v1/catalog', { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('If-None-Match');
  });

  it('refuses to serve an invalid catalog, saying why, and serves it again once fixed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitrine-catalog-'));
    const file = join(dir, 'catalog.json');
    const good = JSON.parse(readFileSync(join(process.cwd(), 'demo/catalog.json'), 'utf8'));
    writeFileSync(file, JSON.stringify({ ...good, offers: [{ id: 'x', slot: 's', content: {} }] }));
    const log: string[] = [];
    const served = createApp({ root: process.cwd(), catalogFile: file, log: (l) => log.push(l) });
    const bad = await served.request('/v1/catalog');
    expect(bad.status).toBe(503);
    expect(await bad.json()).toEqual({ error: 'the catalog is invalid: offers[0] (x).content.title: expected a non-empty string of at most 2000 characters' });
    expect(log.some((l) => l.includes('refused'))).toBe(true);
    writeFileSync(file, JSON.stringify(good));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await served.request('/v1/catalog')).status).toBe(200);
    rmSync(dir, { recursive: true, force: true });
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../server/app';
import { startServer } from '../e2e/server';

const app = createApp({ root: process.cwd() });

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
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^GET \/healthz 200 [\d.]+ms$/);
    expect(log.join('\n')).not.toMatch(/127\.0\.0\.1|SecretAgent|ref\.example/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hono, type Context } from 'hono';
import { serve } from '@hono/node-server';
import { readBody } from '../../server/collector/body';

const LIMIT = 1_000;

/**
 * An app that answers what readBody read, or 413; on `/peeked`, after a middleware read the
 * body first (as a logging or test gate might).
 */
function echo(): Hono {
  const app = new Hono();
  const peeked: string[] = [];
  app.use('/peeked', async (c, next) => {
    peeked.push(await c.req.raw.clone().text());
    await next();
  });
  const answer = async (c: Context) => {
    const text = await readBody(c, LIMIT);
    return text === null ? c.json({ error: 'too large' }, 413) : c.json({ text, peeked });
  };
  app.post('/', answer);
  app.post('/peeked', answer);
  return app;
}

/**
 * Sends `chunks` as one request body over a real socket, written one at a time; with
 * `chunked`, no Content-Length is declared (Transfer-Encoding: chunked).
 */
function send(port: number, chunks: Buffer[], chunked: boolean, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + c.length, 0);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: chunked ? {} : { 'Content-Length': String(length) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    const write = (i: number) => {
      if (i === chunks.length) return req.end();
      req.write(chunks[i]!, () => setTimeout(() => write(i + 1), 5));
    };
    write(0);
  });
}

describe('reading a report body from the Node request', () => {
  let server: ReturnType<typeof serve>;
  let port: number;
  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const s = serve({ fetch: echo().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads a body sent in pieces, with a character split between two of them', async () => {
    const bytes = Buffer.from('{"name":"Zürich café ✓"}');
    const split = bytes.indexOf(Buffer.from('✓')) + 1;
    const res = await send(port, [bytes.subarray(0, 5), bytes.subarray(5, split), bytes.subarray(split)], true);
    expect(res).toEqual({ status: 200, body: JSON.stringify({ text: '{"name":"Zürich café ✓"}', peeked: [] }) });
  });

  it('accepts a body of exactly the limit', async () => {
    const res = await send(port, [Buffer.alloc(LIMIT, 'a')], false);
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { text: string }).text).toHaveLength(LIMIT);
  });

  it('refuses a body that declares more than the limit, and one that sends more without declaring it', async () => {
    expect((await send(port, [Buffer.alloc(LIMIT + 1, 'a')], false)).status).toBe(413);
    expect((await send(port, [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b'), Buffer.alloc(600, 'c')], true)).status).toBe(413);
  });

  it('keeps serving the connection after refusing a body, with its rest discarded', async () => {
    expect((await send(port, [Buffer.alloc(800, 'a'), Buffer.alloc(800, 'b')], true)).status).toBe(413);
    expect(await send(port, [Buffer.from('{"ok":1}')], true)).toEqual({ status: 200, body: JSON.stringify({ text: '{"ok":1}', peeked: [] }) });
  });

  it('reads a body that a middleware read first', async () => {
    const res = await send(port, [Buffer.from('{"seen":'), Buffer.from('2}')], true, '/peeked');
    expect(res).toEqual({ status: 200, body: JSON.stringify({ text: '{"seen":2}', peeked: ['{"seen":2}'] }) });
  });
});

describe('reading a report body without a Node request (app.request)', () => {
  it('reads the body, and refuses one over the limit', async () => {
    const app = echo();
    expect(await (await app.request('/', { method: 'POST', body: 'café' })).json()).toEqual({ text: 'café', peeked: [] });
    expect((await app.request('/', { method: 'POST', body: 'a'.repeat(LIMIT + 1) })).status).toBe(413);
  });
});

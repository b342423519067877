import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { ServerType } from '@hono/node-server';
import { listen, type ConnectionLimits } from '../../../server/listen';
import { FORM_BYTES } from '../../../server/dashboard';
import { hostileServer, report, SITE } from './setup';

const servers: ServerType[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Short limits, so that a test of slow clients takes a second, not minutes. */
const SHORT: ConnectionLimits = { requestTimeoutMs: 1_000, headersTimeoutMs: 500, checkEveryMs: 100, keepAliveTimeoutMs: 500, maxConnections: 100 };

async function onLoopback(app: { fetch: (r: Request, env: unknown) => Response | Promise<Response> }, limits = SHORT) {
  const { server, port } = await listen(app.fetch, { port: 0, hostname: '127.0.0.1' }, limits);
  servers.push(server);
  return port;
}

/** A raw connection that sends `head` and then what the test writes; resolves with all it got back when the server closes. */
function rawRequest(port: number, head: string) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.write(head);
  let answer = '';
  socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  return { socket, closed };
}

describe('bodies', () => {
  it(`answers 413 to a sign-in or sign-out form over ${FORM_BYTES} bytes, declared or not`, async () => {
    const s = await hostileServer();
    const big = new URLSearchParams({ token: 'x'.repeat(1_000_000), site: SITE });
    const declared = await s.app.request('/dashboard/login', { method: 'POST', body: big, headers: { Origin: 'http://localhost' } });
    expect(declared.status).toBe(413);
    const port = await onLoopback(s.app);
    const chunked = rawRequest(
      port,
      `POST /dashboard/logout HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = `site=${'y'.repeat(10_000)}`;
    chunked.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
    expect(await chunked.closed).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers 400 to a malformed multipart form, and writes no stack trace', async () => {
    const s = await hostileServer();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await s.app.request('/dashboard/login', { method: 'POST', body: '--zzz\r\nbroken', headers: { 'Content-Type': 'multipart/form-data; boundary=zzz', Origin: 'http://localhost' } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'body: cannot be read as its Content-Type says' });
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
    await s.server.close();
    expect(s.log.join('\n')).not.toMatch(/TypeError|\n\s+at /);
    expect(s.log.join('\n')).toContain('POST /dashboard/login 400 ×1');
  });

  it('counts an upload the client abandons as its error (400), not as a store failure (503)', async () => {
    const s = await hostileServer();
    // The client goes away once the collector has started on its request.
    let reached!: () => void;
    const started = new Promise<void>((resolve) => (reached = resolve));
    const port = await onLoopback({ fetch: (request, env) => (reached(), s.app.fetch(request, env)) });
    const body = JSON.stringify(report());
    const cut = rawRequest(port, `POST /v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 100)}`);
    await started;
    cut.socket.destroy();
    await cut.closed;
    // The summary line is written at close, once the abandoned request has been answered.
    await vi.waitFor(async () => {
      await s.server.close();
      expect(s.log.join('\n')).toContain('POST /v1/reports 400 ×1');
    });
    expect(s.log.join('\n')).not.toContain(' 503 ');
    expect(await s.store.stats(SITE, 0, Infinity)).toEqual([]);
  });
});

describe('slow bodies', () => {
  it('answers 408 to a report whose body does not arrive within the read deadline', async () => {
    const s = await hostileServer({ bodyDeadlineMs: 300 });
    const port = await onLoopback(s.app, { ...SHORT, requestTimeoutMs: 60_000 });
    const body = JSON.stringify(report());
    const slow = rawRequest(port, `POST /v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
    const answer = await slow.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"error":"body: not received within 0.3 s"');
  });

  it('closes a connection whose request does not end within the request timeout, on any route', async () => {
    const s = await hostileServer();
    const port = await onLoopback(s.app);
    const slow = rawRequest(
      port,
      `POST /dashboard/login HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntoken=`,
    );
    // A byte every 200 ms would keep it open for 20 s; the server ends it at its request timeout.
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('x'), 200);
    try {
      expect(await slow.closed).toMatch(/^(HTTP\/1\.1 408 |$)/);
    } finally {
      clearInterval(drip);
    }
  });

  it('closes a connection whose headers do not end within the headers timeout', async () => {
    const s = await hostileServer();
    const port = await onLoopback(s.app);
    const slow = rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: localhost\r\n`);
    const drip = setInterval(() => slow.socket.writable && slow.socket.write('X-Slow: 1\r\n'), 100);
    try {
      expect(await slow.closed).toMatch(/^(HTTP\/1\.1 408 |$)/);
    } finally {
      clearInterval(drip);
    }
  });

  it('closes connections past maxConnections at once, and serves the ones within it', async () => {
    const s = await hostileServer();
    const port = await onLoopback(s.app, { ...SHORT, requestTimeoutMs: 60_000, headersTimeoutMs: 30_000, maxConnections: 2 });
    const held = [rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n'), rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n')];
    // The third comes once the server holds the first two.
    const open = () => new Promise<number>((resolve) => servers.at(-1)!.getConnections((_, n) => resolve(n)));
    await vi.waitFor(async () => expect(await open()).toBe(2));
    const third = rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(await third.closed).toBe('');
    held[0]!.socket.write('Connection: close\r\n\r\n');
    expect(await held[0]!.closed).toMatch(/^HTTP\/1\.1 200 /);
  });
});

import { describe, expect, it } from 'vitest';
import { createSessions, SESSION_MS } from '../../../server/dashboard/session';
import { createSqliteStore } from '../../../server/sqlite';
import { createServer } from '../../../server/app';
import { readConfig } from '../../../server/config';
import { FREE_GUESSES } from '../../../server/collector/guess-limit';
import { catalog, hostileServer, SITE, TOKEN } from './setup';

/** A sign-in form post, from the dashboard's own origin unless `headers` say otherwise. */
const signIn = (base: string, token: string, headers: Record<string, string> = { Origin: new URL(base).origin }) =>
  new Request(`${base}/dashboard/login`, { method: 'POST', body: new URLSearchParams({ token, site: SITE }), headers });
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('the dashboard session is not the API key', () => {
  it('signs in with a random session id, never the token, which opens the dashboard and nothing of /v1', async () => {
    const s = await hostileServer();
    const res = await s.app.request(signIn('http://localhost', TOKEN));
    expect(res.status).toBe(303);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^vitrine_session=[A-Za-z0-9_-]{43}$/);
    expect(res.headers.get('set-cookie')).not.toContain(TOKEN);
    expect((await s.app.request(`/dashboard?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await s.app.request(`/v1/stats?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await s.app.request(`/v1/stats?site=${SITE}`, { headers: { Cookie: `vitrine_token=${TOKEN}` } })).status).toBe(401);
  });

  it('refuses the text/plain form a same-site page posts to /v1/catalogs with the cookie, and registers nothing', async () => {
    const s = await hostileServer();
    const cookie = cookieOf(await s.app.request(signIn('http://localhost', TOKEN)));
    const forged = JSON.stringify(catalog({ version: '2026-12-02.1', offers: [{ id: 'evil', slot: 'home-hero', content: { title: 'Evil' } }] }));
    const res = await s.app.request('/v1/catalogs', { method: 'POST', body: forged, headers: { Cookie: cookie, 'Content-Type': 'text/plain', Origin: 'http://localhost:3000' } });
    expect(res.status).toBe(401);
    expect(await s.store.catalogShape(SITE, '2026-12-02.1')).toBeUndefined();
  });

  it('takes a catalog as application/json only, even with the bearer token', async () => {
    const s = await hostileServer();
    const body = JSON.stringify(catalog({ version: '2026-12-03.1' }));
    const plain = await s.app.request('/v1/catalogs', { method: 'POST', body, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/plain' } });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ error: 'Content-Type: expected application/json' });
    expect(await s.store.catalogShape(SITE, '2026-12-03.1')).toBeUndefined();
  });

  it('ends the session on the server at sign-out, on every collector of the store', async () => {
    const s = await hostileServer();
    const other = createServer({ root: process.cwd(), collector: { store: s.store, token: TOKEN } });
    const cookie = cookieOf(await s.app.request(signIn('http://localhost', TOKEN)));
    expect((await other.app.request(`/dashboard?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(200);
    const out = await other.app.request('/dashboard/logout', { method: 'POST', body: new URLSearchParams({ site: SITE }), headers: { Cookie: cookie, Origin: 'http://localhost' } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^vitrine_session=; Max-Age=0/);
    // The cookie replayed after sign-out opens nothing, here or there.
    expect((await s.app.request(`/dashboard?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await other.app.request(`/dashboard?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(401);
    await other.close();
  });

  it('lasts about a working day, and ends when the token changes', async () => {
    const store = createSqliteStore(':memory:');
    let now = Date.parse('2026-12-06T09:00:00Z');
    const secure = () => false;
    const sessions = createSessions({ store, token: TOKEN, secure, now: () => now });
    const { Hono } = await import('hono');
    const app = new Hono()
      .post('/in', async (c) => (await sessions.start(c), c.body(null, 204)))
      .get('/', async (c) => c.text(String(await sessions.active(c))))
      .get('/rotated', async (c) => c.text(String(await createSessions({ store, token: `${TOKEN}-new`, secure, now: () => now }).active(c))));
    const cookie = cookieOf(await app.request('/in', { method: 'POST' }));
    expect(await (await app.request('/', { headers: { Cookie: cookie } })).text()).toBe('true');
    expect(await (await app.request('/rotated', { headers: { Cookie: cookie } })).text()).toBe('false');
    now += SESSION_MS - 1;
    expect(await (await app.request('/', { headers: { Cookie: cookie } })).text()).toBe('true');
    now += 1;
    expect(await (await app.request('/', { headers: { Cookie: cookie } })).text()).toBe('false');
    await store.close();
  });
});

describe('cookies', () => {
  it('is __Host- and Secure on any host but loopback', async () => {
    const s = await hostileServer();
    const res = await s.app.request(signIn('https://dash.shop.example', TOKEN));
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-vitrine_session=[A-Za-z0-9_-]{43}; Max-Age=36000; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const cookie = cookieOf(res);
    expect((await s.app.request(`https://dash.shop.example/dashboard?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(200);
    // The loopback name is not read on another host: a cookie set without Secure opens nothing there.
    const loopback = cookieOf(await s.app.request(signIn('http://localhost', TOKEN)));
    expect((await s.app.request(`https://dash.shop.example/dashboard?site=${SITE}`, { headers: { Cookie: loopback } })).status).toBe(401);
  });

  it('is Secure behind a proxy that ends TLS when VITRINE_PUBLIC_URL says https, though the socket is plain HTTP on loopback', async () => {
    const s = await hostileServer({ publicUrl: new URL('https://dash.shop.example') });
    const res = await s.app.request(signIn('http://127.0.0.1:8080', TOKEN, { Origin: 'https://dash.shop.example' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-vitrine_session=.*; Secure; SameSite=Strict$/);
  });

  it('refuses a token under 32 characters at start', () => {
    expect(() => readConfig({ VITRINE_TOKEN: 'x'.repeat(31) }, '/srv')).toThrow('VITRINE_TOKEN must be at least 32 characters, got 31');
    expect(readConfig({ VITRINE_TOKEN: 'x'.repeat(32) }, '/srv').token).toBe('x'.repeat(32));
  });
});

describe('cross-site posts to the dashboard', () => {
  it.each([
    ['another origin', { Origin: 'https://evil.example' }],
    ['a sibling port of the same host', { Origin: 'http://localhost:3000' }],
    ['no Origin, a cross-site fetch', { 'Sec-Fetch-Site': 'cross-site' }],
    ['no Origin, a same-site page', { 'Sec-Fetch-Site': 'same-site' }],
    ['no Origin and no Sec-Fetch-Site', {}],
  ])('answers 403 to a sign-in from %s, and sets no cookie', async (_, headers) => {
    const s = await hostileServer();
    const res = await s.app.request(signIn('http://localhost', TOKEN, headers as Record<string, string>));
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('takes a sign-in that a browser says is same-origin, and one from the public URL', async () => {
    const s = await hostileServer();
    expect((await s.app.request(signIn('http://localhost', TOKEN, { 'Sec-Fetch-Site': 'same-origin' }))).status).toBe(303);
    const behind = await hostileServer({ publicUrl: new URL('https://dash.shop.example') });
    expect((await behind.app.request(signIn('http://127.0.0.1:8080', TOKEN, { Origin: 'http://127.0.0.1:8080' }))).status).toBe(403);
    expect((await behind.app.request(signIn('http://127.0.0.1:8080', TOKEN, { Origin: 'https://dash.shop.example' }))).status).toBe(303);
  });

  it('answers 403 to a sign-out from another origin, and keeps the session', async () => {
    const s = await hostileServer();
    const cookie = cookieOf(await s.app.request(signIn('http://localhost', TOKEN)));
    const out = await s.app.request('/dashboard/logout', { method: 'POST', body: new URLSearchParams({ site: SITE }), headers: { Cookie: cookie, Origin: 'https://evil.example' } });
    expect(out.status).toBe(403);
    expect((await s.app.request(`/dashboard?site=${SITE}`, { headers: { Cookie: cookie } })).status).toBe(200);
  });
});

describe('guessing the token', () => {
  const client = (address: string) => ({ 'X-Test-Client': address });
  const options = { clientAddress: (c: { req: { header(name: string): string | undefined } }) => c.req.header('X-Test-Client') };

  it(`answers 429 with Retry-After after ${FREE_GUESSES} wrong bearer tokens, to that client only, even with the right one`, async () => {
    const s = await hostileServer(options);
    const stats = (token: string, address: string) => s.app.request(`/v1/stats?site=${SITE}`, { headers: { Authorization: `Bearer ${token}`, ...client(address) } });
    for (let i = 0; i < FREE_GUESSES; i++) expect((await stats(`guess-${i}`, '192.0.2.1')).status).toBe(401);
    const locked = await stats('guess-last', '192.0.2.1');
    expect(locked.status).toBe(401);
    const waiting = await stats(TOKEN, '192.0.2.1');
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await stats(TOKEN, '198.51.100.7')).status).toBe(200);
  });

  it('slows the sign-in form down the same way, and keys an IPv6 client by its /64', async () => {
    const s = await hostileServer(options);
    const form = (token: string, address: string) => s.app.request(signIn('http://localhost', token, { Origin: 'http://localhost', ...client(address) }));
    for (let i = 0; i <= FREE_GUESSES; i++) expect((await form(`guess-${i}`, `2001:db8:1:2::${i + 1}`)).status).toBe(303);
    const waiting = await form(TOKEN, '2001:db8:1:2:ffff::9');
    expect(waiting.status).toBe(429);
    expect(await waiting.text()).toMatch(/Too many wrong tokens: try again in \d+ s\./);
    expect((await form(TOKEN, '2001:db8:1:3::1')).status).toBe(303);
  });
});

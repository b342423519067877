import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createCollector } from '../server/collector';
import { createSqliteStore } from '../server/sqlite';
import type { StatRow } from '../server/store';

/** One POST /v1/reports the gate saw, and what it answered. */
export interface Post {
  id: string | null;
  site: string | null;
  status: number;
  body: string;
}

/** A failure the gate answers instead of the collector, for the next report of a site. */
export interface Fault {
  status?: number;
  retryAfter?: string;
  /** Hold the request this long, then pass it on (or fail it). */
  delayMs?: number;
}

/**
 * The real collector (hono, the embedded SQLite store, k = 1) on a loopback port, behind a
 * gate that tests control: it logs every report POST per site and can fail or hold the next
 * ones. Browser tests reach the controls over HTTP (`/__gate/…`), Node tests directly.
 */
export interface CollectorGate {
  base: string;
  posts(site: string): Post[];
  fail(site: string, ...faults: Fault[]): void;
  stats(site: string): Promise<StatRow[]>;
  /** Registers a catalog document (Catalog v1 or signed) with the collector, as `npm run catalog -- publish` does. */
  register(doc: string): Promise<Response>;
  stop(): Promise<void>;
}

const CORS = { 'Access-Control-Allow-Origin': '*' };
const TOKEN = 'gate-token';

export async function startCollectorGate(): Promise<CollectorGate> {
  const store = createSqliteStore(':memory:');
  const posts = new Map<string, Post[]>();
  const faults = new Map<string, Fault[]>();
  const app = new Hono();

  app.use('/v1/reports', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const body = await c.req.raw.clone().text();
    let parsed: { id?: unknown; site?: unknown } = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      // Logged as is; the collector answers it.
    }
    const site = typeof parsed.site === 'string' ? parsed.site : null;
    const post: Post = { id: typeof parsed.id === 'string' ? parsed.id : null, site, status: 0, body };
    posts.set(site ?? '', [...(posts.get(site ?? '') ?? []), post]);
    const fault = site ? faults.get(site)?.shift() : undefined;
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.status) {
      post.status = fault.status;
      return c.json({ error: 'injected by the test gate' }, fault.status as 500, { ...CORS, ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}) });
    }
    await next();
    post.status = c.res.status;
  });
  const collector = createCollector({ store, k: 1, perMinute: 100_000, token: TOKEN });
  app.route('/', collector.routes);

  app.get('/__gate/posts/:site', (c) => c.json(posts.get(c.req.param('site')) ?? [], 200, CORS));
  app.get('/__gate/stats/:site', async (c) => c.json(await store.stats(c.req.param('site'), 0, 8.64e15), 200, CORS));
  app.options('/__gate/*', (c) => c.body(null, 204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type' }));
  app.post('/__gate/fail/:site', async (c) => {
    faults.set(c.req.param('site'), await c.req.json<Fault[]>());
    return c.body(null, 204, CORS);
  });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    posts: (site) => [...(posts.get(site) ?? [])],
    fail: (site, ...list) => faults.set(site, list),
    stats: (site) => store.stats(site, 0, 8.64e15),
    register: (doc) => Promise.resolve(app.request('/v1/catalogs', { method: 'POST', body: doc, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } })),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await collector.close();
      await store.close();
    },
  };
}

/**
 * Waits for a registration and fails when the collector could not take it (a wrong token, an
 * error). A refusal is fine: tests publish broken catalogs (400) on purpose, and the offers
 * tests change one version's offers (409) without ever reporting.
 */
export async function registered(answer: Promise<Response>): Promise<void> {
  const res = await answer;
  if (!res.ok && res.status !== 400 && res.status !== 409) throw new Error(`registering a catalog answered ${res.status}: ${await res.text()}`);
}

import { createServer, type IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the CDN a merchant publishes the catalog on: a real HTTP server on loopback
 * with ETags, 304s and CORS. Tests put documents on it (from Node, or from the browser with
 * PUT) and read how often each was asked for. It also serves the SDK's built files, as a CDN
 * would (`/sdk/<file>` from dist/), counting them under `sdk:<file>`.
 */
export interface Cdn {
  base: string;
  /** Publishes a document, and registers it with the collector when `publish` was given. */
  set(name: string, doc: unknown): Promise<void>;
  hits(name: string): { ok: number; notModified: number };
  stop(): Promise<void>;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, PUT, OPTIONS',
  'Access-Control-Allow-Headers': 'If-None-Match, Content-Type',
  'Access-Control-Expose-Headers': 'ETag',
};

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/**
 * @param publish told of every document put on the CDN, before it is served: the merchant's
 *   `npm run catalog -- publish`, which registers a catalog version with the collector
 */
export async function startCdn(publish?: (text: string) => Promise<unknown>): Promise<Cdn> {
  const docs = new Map<string, { text: string; delayMs: number; type?: string }>();
  const counts = new Map<string, { ok: number; notModified: number }>();
  const server = createServer(async (req, res) => {
    const [, kind, name = ''] = (req.url ?? '').split('?')[0]!.split('/');
    if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
    if (kind === 'c' && req.method === 'PUT') {
      const query = new URL(req.url!, 'http://x').searchParams;
      const delayMs = Number(query.get('delay') ?? 0);
      const text = await body(req);
      // ?type= serves it as something else than a catalog (a host's HTML page, say), and publishes nothing.
      const type = query.get('type') ?? undefined;
      if (!type) await publish?.(text);
      docs.set(name, { text, delayMs, type });
      return res.writeHead(204, CORS).end();
    }
    if (kind === 'hits') return res.writeHead(200, { ...CORS, 'Content-Type': 'application/json' }).end(JSON.stringify(counts.get(name) ?? { ok: 0, notModified: 0 }));
    if (kind === 'sdk' && /^vitrine[\w-]*\.js$/.test(name)) {
      const count = counts.get(`sdk:${name}`) ?? { ok: 0, notModified: 0 };
      counts.set(`sdk:${name}`, count);
      count.ok++;
      return res.writeHead(200, { ...CORS, 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(readFileSync(new URL(`../dist/${name}`, import.meta.url)));
    }
    const doc = kind === 'c' ? docs.get(name) : undefined;
    if (!doc) return res.writeHead(404, CORS).end();
    if (doc.delayMs) await new Promise((r) => setTimeout(r, doc.delayMs));
    const count = counts.get(name) ?? { ok: 0, notModified: 0 };
    counts.set(name, count);
    const etag = `"${createHash('sha256').update(doc.text).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      count.notModified++;
      return res.writeHead(304, { ...CORS, ETag: etag }).end();
    }
    count.ok++;
    res.writeHead(200, { ...CORS, ETag: etag, 'Content-Type': doc.type ?? 'application/json', 'Cache-Control': 'no-cache' }).end(doc.text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    set: async (name, doc) => {
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      if (publish) await publish(text);
      docs.set(name, { text, delayMs: 0 });
    },
    hits: (name) => ({ ...(counts.get(name) ?? { ok: 0, notModified: 0 }) }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

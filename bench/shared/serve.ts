// A static file server for the benchmark pages, cross-origin isolated so that
// performance.now() has its finest resolution where the engine allows it. It also serves the
// peers' bundles (/peer/…) and a sink (/sink/<sdk>/…) that answers every request an SDK sends,
// counting them, so that no benchmark leaves the machine.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** URL prefixes of the peers' bundles, and the folder each is served from. */
const PEERS: Record<string, string> = {
  // The standalone bundle loads its chunks from <_cdn>/analytics-next/bundles/.
  '/peer/segment/analytics-next/bundles/': 'node_modules/@segment/analytics-next/dist/umd/',
  '/peer/segment/': 'node_modules/@segment/analytics-next/dist/umd/',
  '/peer/posthog/': 'node_modules/posthog-js/dist/',
  '/peer/growthbook/': 'node_modules/@growthbook/growthbook/dist/bundles/',
};

/** What the sink received, per SDK: requests and body bytes. */
export type SinkCounts = Record<string, { requests: number; bytes: number }>;

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * What Segment's CDN answers for a source: its own destination only, sending to the sink, and
 * no client metrics (which would go to Segment's servers). Its default delivery, one request per
 * event: batched delivery (100 events or 1 s) measured no cheaper on the main thread here.
 */
function segmentSettings(host: string): object {
  return {
    integrations: { 'Segment.io': { apiKey: 'bench', apiHost: `${host}/sink/segment`, protocol: 'http' } },
    metrics: { sampleRate: 0, host: `${host}/sink/segment` },
    plan: { track: { __default: { enabled: true } } },
  };
}

function bodySize(req: IncomingMessage): Promise<number> {
  return new Promise((resolve) => {
    let size = 0;
    req
      .on('data', (chunk: Buffer) => (size += chunk.length))
      .on('end', () => resolve(size))
      .on('error', () => resolve(size));
  });
}

/** Maps a URL path to a file under `root`, or undefined when it is not one the bench serves. */
function fileOf(root: string, pathname: string): string | undefined {
  const prefix = Object.keys(PEERS).find((p) => pathname.startsWith(p));
  const path = normalize(prefix ? join(root, PEERS[prefix]!, pathname.slice(prefix.length)) : join(root, pathname));
  return path.startsWith(root + sep) && TYPES[extname(path)] ? path : undefined;
}

/**
 * Serves the files under `root` on a free loopback port.
 * @param root the repository's folder
 * @param sink where the sink's counts are kept
 * @returns the listening server
 */
export function serveRepo(root: string, sink: SinkCounts = {}): Promise<Server> {
  const server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const sinkOf = /^\/sink\/(\w+)\//.exec(pathname)?.[1];
    if (sinkOf) {
      const counts = (sink[sinkOf] ??= { requests: 0, bytes: 0 });
      counts.requests += 1;
      counts.bytes += await bodySize(req);
      const script = extname(pathname) === '.js';
      return res.writeHead(200, { ...HEADERS, 'Content-Type': script ? 'text/javascript' : 'application/json' }).end(script ? '' : '{}');
    }
    if (/^\/peer\/segment\/v1\/projects\/\w+\/settings$/.test(pathname)) {
      return res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/json' }).end(JSON.stringify(segmentSettings(req.headers.host ?? '')));
    }
    const path = fileOf(root, pathname);
    if (!path) return res.writeHead(404).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, { ...HEADERS, 'Content-Type': TYPES[extname(path)]! }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

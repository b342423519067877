// A static file server for the benchmark pages, cross-origin isolated so that
// performance.now() has its finest resolution where the engine allows it.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };

/**
 * Serves the files under `root` on a free loopback port.
 * @param root the repository's folder
 * @returns the listening server
 */
export function serveRepo(root: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    const type = TYPES[extname(path)];
    if (!path.startsWith(root + sep) || !type) return res.writeHead(404).end();
    try {
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': type,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
      }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

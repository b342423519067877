/**
 * The baseline of the ingest bench (bench/collector/ingest.ts): a hono app on @hono/node-server that
 * does the least any collector must do with a report, read the body and parse it, and answers
 * as the collector does. `POST /v1/reports` reads the body the usual hono way (`c.req.text()`);
 * `POST /direct` reads it as the collector does (readBody, straight from the Node request), so
 * the bench can tell what the collector's own work costs apart from how it reads. `POST /sink`
 * answers without reading the body, which shows how fast the load generator can go when the
 * server does almost nothing.
 * Listens on 127.0.0.1:$PORT (0: any free port) and prints its URL on one line.
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { readBody } from '../../server/collector/body';
import { REPORT_LIMITS } from '../../src/protocol/report';
import { REPORTS_PATH } from '../../src/protocol/report';

/** The bare handlers: the same answer as the collector's ingest, without validation or storage. */
function createBareCollector(): Hono {
  const app = new Hono();
  app.post(REPORTS_PATH, async (c) => {
    JSON.parse(await c.req.text());
    return c.json({ accepted: true, duplicate: false }, 202);
  });
  app.post('/direct', async (c) => {
    const text = await readBody(c, REPORT_LIMITS.bytes);
    if (text === null) return c.json({ error: 'too large' }, 413);
    JSON.parse(text);
    return c.json({ accepted: true, duplicate: false }, 202);
  });
  app.post('/sink', (c) => c.body(null, 204));
  return app;
}

const port = Number(process.env.PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
const server = serve({ fetch: createBareCollector().fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

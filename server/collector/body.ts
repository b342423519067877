import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { SECOND_MS } from '../../src/protocol/time';

/**
 * The Node request under a hono context, when @hono/node-server serves the app and nothing
 * has started reading it: a middleware that read the body (through `c.req`) consumed the
 * stream, and then only the web Request has it.
 */
function untouchedIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && incoming.readableFlowing === null && !incoming.readableDidRead ? incoming : undefined;
}

/** How long a body may take to arrive, by default: a report is 64 KiB at most. */
export const BODY_DEADLINE_MS = 10_000;

/** A body that could not be read: the client's fault (it went away, or was too slow), never the store's. */
export class BodyError extends Error {
  override name = 'BodyError';
  constructor(
    readonly status: 400 | 408,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a Node request's body, giving up (null) as soon as it passes `maxBytes`. */
function readIncoming(incoming: IncomingMessage, maxBytes: number, deadlineMs: number): Promise<string | null> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline = setTimeout(() => (done(), reject(new BodyError(408, `body: not received within ${deadlineMs / SECOND_MS} s`))), deadlineMs);
    const done = () => {
      clearTimeout(deadline);
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      // What is left unread is discarded by Node once the answer is sent.
      if (size > maxBytes) done(), resolve(null);
    };
    const onEnd = () => (done(), resolve(Buffer.concat(chunks, size).toString()));
    const onError = () => (done(), reject(new BodyError(400, 'body: the request closed before its body ended')));
    const onClose = onError;
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/**
 * A request's body as text, or null when it is over `maxBytes` (declared or sent). Under
 * @hono/node-server it reads the Node request directly: hono's `c.req.text()` and its
 * bodyLimit middleware first build a web Request with a ReadableStream and an AbortSignal,
 * which is a quarter of the work of ingesting a report (`npm run bench`). Anywhere else
 * (`app.request()` in tests, another runtime, a body a middleware already read) it reads the
 * web Request.
 * @param c the request's context
 * @param maxBytes the largest body accepted, in bytes
 * @param deadlineMs how long the body may take to arrive (Node requests only; elsewhere the server's request timeout bounds it)
 * @throws BodyError when the client went away before the end, or took longer than the deadline
 */
export async function readBody(c: Context, maxBytes: number, deadlineMs = BODY_DEADLINE_MS): Promise<string | null> {
  const incoming = untouchedIncoming(c);
  if (incoming) return readIncoming(incoming, maxBytes, deadlineMs);
  if (Number(c.req.header('Content-Length') ?? Number.NaN) > maxBytes) return null;
  const bytes = new Uint8Array(
    await c.req.arrayBuffer().catch(() => {
      throw new BodyError(400, 'body: the request closed before its body ended');
    }),
  );
  return bytes.byteLength > maxBytes ? null : new TextDecoder().decode(bytes);
}

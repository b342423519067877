import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long a connection may take over what, and how many there may be at once. */
export interface ConnectionLimits {
  /** A whole request, headers and body, must arrive within this (Node's default is 5 minutes). */
  requestTimeoutMs: number;
  /** Its headers within this. */
  headersTimeoutMs: number;
  /** How often Node checks the two above: a timeout fires up to this late. */
  checkEveryMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; past it, new ones are closed at once. */
  maxConnections: number;
}

/**
 * The collector's limits: a report is 64 KiB at most, which a slow phone sends in well under
 * 20 s; a client that dribbles a body holds a connection that long at most, not 5 minutes.
 */
export const CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 20_000,
  headersTimeoutMs: 10_000,
  checkEveryMs: 2_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
};

/**
 * Listens with `fetch` on `hostname:port` (0: any free port) within the connection limits.
 * @param fetch the app's fetch (`app.fetch`)
 * @param at where to listen
 * @param limits the connection limits (default {@link CONNECTION_LIMITS})
 * @returns the Node server, once it listens, and the port it got
 * @example
 * const { server, port } = await listen(app.fetch, { port: 8080, hostname: '127.0.0.1' })
 */
export async function listen(
  fetch: (request: Request, env: unknown) => Response | Promise<Response>,
  at: { port: number; hostname: string },
  limits: ConnectionLimits = CONNECTION_LIMITS,
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch,
        ...at,
        serverOptions: {
          requestTimeout: limits.requestTimeoutMs,
          headersTimeout: limits.headersTimeoutMs,
          connectionsCheckingInterval: limits.checkEveryMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
        },
      },
      (info: AddressInfo) => resolve({ server, port: info.port }),
    );
    (server as Server).maxConnections = limits.maxConnections;
  });
}

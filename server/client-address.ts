import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** The address of the socket a request came on, under @hono/node-server; none through `app.request()`. */
function socketAddress(c: Context): string | undefined {
  return c.env?.incoming ? getConnInfo(c).remote.address : undefined;
}

/**
 * Where a request's client address comes from, for rate limiting only (it is hashed with a
 * salt that lives in memory, and never kept). With no trusted proxy it is the socket's. Behind
 * `trustedHops` proxies that each append the address they saw to `X-Forwarded-For`, it is the
 * entry that many from the end: the ones before it are the client's to choose. With fewer
 * entries than hops (a request that went around a proxy), the first one.
 * @param trustedHops the proxies in front of the collector (`VITRINE_TRUST_PROXY`)
 * @example
 * const address = clientAddressOf(1)(c) // the last X-Forwarded-For entry
 */
export function clientAddressOf(trustedHops: number): (c: Context) => string | undefined {
  if (trustedHops === 0) return socketAddress;
  return (c) => {
    const entries = (c.req.header('X-Forwarded-For') ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    return entries.at(-trustedHops) ?? entries[0] ?? socketAddress(c);
  };
}

import type { Context, MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createGuessLimit, type GuessLimit } from './guess-limit';

/** Shortest token the collector starts with: 32 characters (`openssl rand -base64 24` gives 32). */
export const TOKEN_MIN_LENGTH = 32;

/** The merchant's access token: who may read aggregates and register catalogs. */
export interface Auth {
  /** True when `given` is the token. Compared as hashes in constant time: a wrong guess says nothing of how close it was. */
  isToken(given: string): boolean;
  /**
   * Requires `Authorization: Bearer <token>`, never a cookie (a browser sends cookies on its
   * own; it never sends a header a page did not set): 401 with a JSON error otherwise, 429
   * while the client waits after wrong tokens. Not hono's bearerAuth: it refuses tokens outside
   * RFC 6750's characters (`!`, say) before comparing, and any VITRINE_TOKEN that worked must keep working.
   */
  required: MiddlewareHandler;
  /** True when the request carries the token as a bearer header. */
  hasBearer(c: Context): boolean;
  /** The backoff after wrong tokens, shared by the API and the dashboard's sign-in. */
  guesses: GuessLimit;
  /** The client's address, for that backoff only. */
  clientAddress(c: Context): string | undefined;
}

/** What the token check needs besides the token. */
export interface AuthOptions {
  /** The client's address, for the backoff after wrong tokens (hashed, never kept). */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
  now?: () => number;
}

/**
 * The token check of /v1/stats, /v1/catalogs and /v1/priors, and of the dashboard's sign-in.
 * @param token the configured token
 * @param options where the client's address comes from
 */
export function createAuth(token: string, options: AuthOptions = {}): Auth {
  const expected = createHash('sha256').update(token).digest();
  const isToken = (given: string) => timingSafeEqual(createHash('sha256').update(given).digest(), expected);
  const bearerOf = (c: Context) => /^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1];
  const hasBearer = (c: Context) => isToken(bearerOf(c) ?? '');
  const guesses = createGuessLimit();
  const now = options.now ?? Date.now;
  const clientAddress = (c: Context) => options.clientAddress?.(c);
  return {
    isToken,
    required: async (c, next) => {
      const address = clientAddress(c);
      const wait = guesses.wait(address, now());
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json({ error: 'too many wrong tokens: retry later' }, 429);
      }
      const given = bearerOf(c);
      if (given !== undefined && isToken(given)) {
        guesses.succeeded(address, now());
        return next();
      }
      if (given !== undefined) guesses.failed(address, now());
      c.header('WWW-Authenticate', 'Bearer realm="vitrine"');
      return c.json({ error: 'a valid bearer token is required' }, 401);
    },
    hasBearer,
    guesses,
    clientAddress,
  };
}

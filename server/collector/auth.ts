import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { getCookie } from 'hono/cookie';
import { createHash, timingSafeEqual } from 'node:crypto';

/** The cookie the dashboard's sign-in form sets (HttpOnly, SameSite=Strict). */
export const TOKEN_COOKIE = 'vitrine_token';

/** The merchant's access token: who may read aggregates and register catalogs. */
export interface Auth {
  /** True when `given` is the token. Compared as hashes in constant time: a wrong guess says nothing of how close it was. */
  isToken(given: string): boolean;
  /** Requires `Authorization: Bearer <token>` (hono's bearer middleware); 401 with a JSON error otherwise. */
  bearer: MiddlewareHandler;
  /** True when the request carries the token as a bearer header or the sign-in cookie. */
  signedIn(c: Context): boolean;
}

/**
 * The token check of /v1/stats, /v1/catalogs and /dashboard.
 * @param token the configured token
 */
export function createAuth(token: string): Auth {
  const expected = createHash('sha256').update(token).digest();
  const isToken = (given: string) => timingSafeEqual(createHash('sha256').update(given).digest(), expected);
  const refusal = { message: { error: 'a valid bearer token is required' } };
  return {
    isToken,
    bearer: bearerAuth({ verifyToken: (given) => isToken(given), noAuthenticationHeader: refusal, invalidToken: refusal, invalidAuthenticationHeader: refusal }),
    signedIn: (c) => isToken(/^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1] ?? getCookie(c, TOKEN_COOKIE) ?? ''),
  };
}

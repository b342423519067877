import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { createHash, timingSafeEqual } from 'node:crypto';

/** The cookie the dashboard's sign-in form sets (HttpOnly, SameSite=Strict). */
export const TOKEN_COOKIE = 'vitrine_token';

/** The merchant's access token: who may read aggregates and register catalogs. */
export interface Auth {
  /** True when `given` is the token. Compared as hashes in constant time: a wrong guess says nothing of how close it was. */
  isToken(given: string): boolean;
  /**
   * Requires the token (`Authorization: Bearer <token>`, or the dashboard's sign-in cookie);
   * 401 with a JSON error otherwise. Not hono's bearerAuth: it refuses tokens outside RFC
   * 6750's characters (`!`, say) before comparing, and any VITRINE_TOKEN that worked must keep working.
   */
  required: MiddlewareHandler;
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
  const signedIn = (c: Context) => isToken(/^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1] ?? getCookie(c, TOKEN_COOKIE) ?? '');
  return {
    isToken,
    required: async (c, next) => {
      if (signedIn(c)) return next();
      c.header('WWW-Authenticate', 'Bearer realm="vitrine"');
      return c.json({ error: 'a valid bearer token is required' }, 401);
    },
    signedIn,
  };
}

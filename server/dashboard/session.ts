import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createHmac, randomBytes } from 'node:crypto';
import type { CounterStore } from '../store';
import { SECOND_MS, HOUR_MS } from '../../src/protocol/time';

/** How long a dashboard sign-in lasts: about a working day. */
export const SESSION_MS = 10 * HOUR_MS;

/** The session cookie's name over HTTPS: `__Host-` makes a browser refuse it unless Secure, for this host only, on path `/`. */
export const SECURE_SESSION_COOKIE = '__Host-vitrine_session';
/** Its name over plain HTTP on loopback (`npm start`), where a Secure cookie would not be sent. */
export const LOOPBACK_SESSION_COOKIE = 'vitrine_session';

/** The dashboard's sign-ins: a random id in a cookie, its hash in the store. */
export interface Sessions {
  /** Starts a sign-in and sets its cookie (HttpOnly, SameSite=Strict, Secure but on loopback). */
  start(c: Context): Promise<void>;
  /** True when the request carries the cookie of a sign-in that was neither ended nor expired. */
  active(c: Context): Promise<boolean>;
  /** Ends the request's sign-in in the store, for every collector, and clears its cookie. */
  end(c: Context): Promise<void>;
}

/** What the sessions need. */
export interface SessionOptions {
  store: Pick<CounterStore, 'startSession' | 'sessionActive' | 'endSession'>;
  /** The API's token: session ids are hashed with it, so a new token ends every sign-in. */
  token: string;
  /** Whether the cookie must be Secure for this request (see {@link secureCookies}). */
  secure: (c: Context) => boolean;
  now?: () => number;
}

/** Loopback hosts, where `npm start` serves plain HTTP. */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * Whether a request's cookies must be Secure: as the public URL's scheme when one is configured
 * (`VITRINE_PUBLIC_URL`: behind a proxy that ends TLS, the socket's scheme says nothing), else
 * always but on a loopback host.
 * @param publicUrl the URL the dashboard is reached at, if configured
 */
export function secureCookies(publicUrl: URL | undefined): (c: Context) => boolean {
  if (publicUrl) {
    const secure = publicUrl.protocol === 'https:';
    return () => secure;
  }
  return (c) => !LOOPBACK.test(new URL(c.req.url).hostname);
}

/**
 * The dashboard's sign-ins: a random 256-bit id in an HttpOnly cookie, kept in the store as its
 * HMAC under the token, for {@link SESSION_MS}. The cookie is never the token: the API
 * (`/v1/*`) takes the token as a bearer header only, so a page that makes the browser send the
 * cookie can at most read the dashboard it already shows to whoever is signed in.
 * @example
 * const sessions = createSessions({ store, token, secure: secureCookies(undefined) })
 */
export function createSessions(options: SessionOptions): Sessions {
  const now = options.now ?? Date.now;
  const hash = (id: string) => createHmac('sha256', options.token).update(id).digest('base64url');
  const cookieName = (c: Context) => (options.secure(c) ? SECURE_SESSION_COOKIE : LOOPBACK_SESSION_COOKIE);
  const idOf = (c: Context) => {
    const id = getCookie(c, cookieName(c));
    return id && /^[A-Za-z0-9_-]{43}$/.test(id) ? id : undefined;
  };
  return {
    async start(c) {
      const id = randomBytes(32).toString('base64url');
      const at = now();
      await options.store.startSession(hash(id), at + SESSION_MS, at);
      const secure = options.secure(c);
      setCookie(c, cookieName(c), id, { httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: SESSION_MS / SECOND_MS });
    },
    async active(c) {
      const id = idOf(c);
      return id !== undefined && options.store.sessionActive(hash(id), now());
    },
    async end(c) {
      const id = idOf(c);
      if (id) await options.store.endSession(hash(id));
      deleteCookie(c, cookieName(c), { path: '/', secure: options.secure(c) });
    },
  };
}

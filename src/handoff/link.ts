import { CART_LIMITS, validateCartItem, type CartItem } from '../protocol/cart';
import { VitrineError } from '../protocol/errors';
import { MINUTE_MS, DAY_MS } from '../protocol/time';

/*
 * The handoff link: a cart that travels to another device, or the shop's app, with no server
 * copy. The lines, an id and an expiry are compressed and encrypted with AES-GCM under a fresh
 * 128-bit key; the version byte, the key, the nonce and the ciphertext all go in the URL's
 * fragment (`#vitrine-cart=…`), which browsers never send to a server. Nothing in the link
 * names a product in clear. The version byte is also the cipher's additional data, so it cannot
 * be changed without the link failing to open.
 *
 * Only WebCrypto, CompressionStream and base64 are used: this module runs in browsers, Node 20
 * and apps' web views, and is what `vitrine/handoff` exports (src/handoff/index.ts).
 */

/** The fragment parameter that holds a handoff. */
export const HANDOFF_PARAM = 'vitrine-cart';
/** The version of the link's format this code writes and reads. */
export const HANDOFF_VERSION = 1;
/** How long a link opens by default: a day. */
export const HANDOFF_DEFAULT_TTL_MS = DAY_MS;
/** The longest a link may be made to open for: 30 days. */
export const HANDOFF_MAX_TTL_MS = 30 * DAY_MS;
/** The longest fragment read (a full cart compresses far below it). */
export const HANDOFF_MAX_CHARS = 65_536;
/** The most bytes a link's lines may decompress to. */
const MAX_PLAIN_BYTES = 262_144;

const KEY_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_BYTES + NONCE_BYTES;

/** A cart as a handoff link carries it. */
export interface Handoff {
  /** The link's own id (random): a page that merged it once does not merge it again. */
  id: string;
  /** When the link was made, ms since the epoch: the lines' time for the cart's merge rules. */
  createdAt: number;
  /** When it stops opening. */
  expiresAt: number;
  items: CartItem[];
}

/** What the ciphertext holds: the cart's lines as arrays, to keep links short. */
type Sealed = { id: string; at: number; exp: number; lines: [sku: string, qty: number, price: number, name?: string, category?: string, currency?: string][] };

const fail = (message: string): never => {
  throw new VitrineError('invalid-handoff', `handoff link: ${message}`);
};

function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes on an ArrayBuffer of their own, as WebCrypto takes them. */
type Bytes = Uint8Array<ArrayBuffer>;

function fromBase64Url(text: string): Bytes {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) fail('it is damaged (characters that a link of this kind never holds)');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Runs bytes through a compression stream, stopping past `limit` bytes out. */
async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Bytes> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      fail(`its lines take more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Makes a handoff link for a cart's lines.
 * @param items the lines (validated here)
 * @param base the page the link opens, without a fragment: the shop's cart page, say
 * @param options `ttlMs`, how long the link opens (default a day, at most 30 days); `now` for tests
 * @returns the link, and the handoff it carries
 * @throws VitrineError `invalid-cart-item` for a bad line, `invalid-handoff` for an empty cart or a bad ttl
 */
export async function createHandoffLink(items: readonly CartItem[], base: string, options: { ttlMs?: number; now?: number } = {}): Promise<{ link: string; handoff: Handoff }> {
  const { ttlMs = HANDOFF_DEFAULT_TTL_MS, now = Date.now() } = options;
  if (!Number.isInteger(ttlMs) || ttlMs < MINUTE_MS || ttlMs > HANDOFF_MAX_TTL_MS) fail(`ttlMs: expected a whole number of ms from 60000 (a minute) to ${HANDOFF_MAX_TTL_MS} (30 days)`);
  if (!items.length) fail('the cart is empty: there is nothing to hand off');
  if (items.length > CART_LIMITS.lines) fail(`a cart holds at most ${CART_LIMITS.lines} lines`);
  const checked = items.map((item, i) => validateCartItem(item, `handoff item ${i}`));
  const handoff: Handoff = { id: toBase64Url(crypto.getRandomValues(new Uint8Array(9))), createdAt: now, expiresAt: now + ttlMs, items: checked };
  const sealed: Sealed = {
    id: handoff.id,
    at: now,
    exp: handoff.expiresAt,
    lines: checked.map(({ sku, qty, price, name, category, currency }) => {
      const line: Sealed['lines'][number] = [sku, qty, price, name, category, currency];
      while (line.length > 3 && line[line.length - 1] === undefined) line.pop();
      return line;
    }),
  };
  const key = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const version = new Uint8Array([HANDOFF_VERSION]);
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const plain = await pipe(new TextEncoder().encode(JSON.stringify(sealed)), new CompressionStream('deflate-raw'));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: version }, cryptoKey, plain));
  const payload = new Uint8Array(HEADER_BYTES + cipher.length);
  payload.set(version);
  payload.set(key, 1);
  payload.set(nonce, 1 + KEY_BYTES);
  payload.set(cipher, HEADER_BYTES);
  const url = new URL(base);
  url.hash = `${HANDOFF_PARAM}=${toBase64Url(payload)}`;
  return { link: url.href, handoff };
}

/**
 * Finds the handoff in a link or a fragment, without opening it.
 * @param link a URL, or a fragment (`#…`)
 * @returns the encoded handoff, or null when the link carries none
 */
export function handoffIn(link: string): string | null {
  const at = link.indexOf('#');
  return at === -1 ? null : new URLSearchParams(link.slice(at + 1)).get(HANDOFF_PARAM);
}

/**
 * Opens a handoff link: checks its version, decrypts, checks its expiry and every line.
 * @param link the link, or its fragment
 * @param now the time to check the expiry against
 * @returns the handoff
 * @throws VitrineError `invalid-handoff` naming what is wrong (not a handoff link, another version, damaged or cut short, expired, a bad line)
 */
export async function openHandoff(link: string, now = Date.now()): Promise<Handoff> {
  if (link.length > HANDOFF_MAX_CHARS) fail(`it is longer than ${HANDOFF_MAX_CHARS} characters`);
  const encoded = handoffIn(link) ?? fail(`no #${HANDOFF_PARAM}= in it: it is not a cart handoff link`);
  const payload = fromBase64Url(encoded);
  if (!payload.length) fail('it is empty');
  if (payload[0] !== HANDOFF_VERSION) fail(`it is of version ${payload[0]}, and this code reads version ${HANDOFF_VERSION}: update Vitrine`);
  if (payload.length < HEADER_BYTES + TAG_BYTES + 1) fail('it is cut short');
  let plain: Bytes;
  try {
    const key = await crypto.subtle.importKey('raw', payload.subarray(1, 1 + KEY_BYTES), 'AES-GCM', false, ['decrypt']);
    plain = new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: payload.subarray(1 + KEY_BYTES, HEADER_BYTES), additionalData: payload.subarray(0, 1) }, key, payload.subarray(HEADER_BYTES)),
    );
  } catch {
    return fail('it was changed or cut short (it does not decrypt)');
  }
  let sealed: Sealed;
  try {
    sealed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await pipe(plain, new DecompressionStream('deflate-raw'), MAX_PLAIN_BYTES)));
  } catch (error) {
    if (error instanceof VitrineError) throw error;
    return fail('its content is not a cart (it decrypts, but does not read as one)');
  }
  const { id, at, exp, lines } = (sealed ?? {}) as Partial<Sealed>;
  if (typeof id !== 'string' || !Number.isFinite(at) || !Number.isFinite(exp) || !Array.isArray(lines)) fail('its content is not a cart (id, times or lines missing)');
  if (exp! <= now) fail(`it expired on ${new Date(exp!).toISOString()}`);
  if (!lines!.length || lines!.length > CART_LIMITS.lines) fail(`it holds ${lines!.length} lines (from 1 to ${CART_LIMITS.lines})`);
  const items = lines!.map((line, i) => {
    if (!Array.isArray(line)) fail(`line ${i} is not a line`);
    const [sku, qty, price, name, category, currency] = line;
    const item = Object.fromEntries(Object.entries({ sku, qty, price, name, category, currency }).filter(([, v]) => v !== undefined && v !== null));
    try {
      return validateCartItem(item, `line ${i}`);
    } catch (error) {
      return fail((error as Error).message);
    }
  });
  return { id: id!, createdAt: at!, expiresAt: exp!, items };
}

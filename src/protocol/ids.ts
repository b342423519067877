import type { Reader } from './validate';

/**
 * Every id format of the protocol, and the one generator of random ids. The page, the engine,
 * the collector and the dashboard check and make ids only through these.
 */

/** The format of a catalog id (offer, variant, slot, experiment, arm), which reports repeat. */
export const ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * A site id's format without anchors. Also an HTML `pattern` attribute as it stands: browsers
 * compile those with the `v` flag, where a bare "-" in a class is a syntax error, hence `\-`.
 */
export const SITE_ID_PATTERN = '[A-Za-z0-9._\\-]{1,64}';

/** A site id: what the `siteId` option and a report's `site` hold. */
export const SITE_ID = /*#__PURE__*/ new RegExp(`^${SITE_ID_PATTERN}$`);

/** {@link SITE_ID} in words, for messages. */
export const SITE_ID_TEXT = '1 to 64 letters, digits, ".", "_" or "-"';

/** The random bytes of a report id: its only identity, for deduplication. */
export const REPORT_ID_BYTES = 16;

/** A report id: {@link REPORT_ID_BYTES} random bytes as lowercase hex digits. */
export const REPORT_ID = /*#__PURE__*/ new RegExp(`^[0-9a-f]{${2 * REPORT_ID_BYTES}}$`);

/**
 * Reads a required catalog id.
 * @param r the reader of the object holding it
 * @param field the field's name
 * @returns the id
 * @throws VitrineError with the reader's code, naming the field
 */
export function readId(r: Reader, field: string): string {
  const v = r.raw(field);
  if (typeof v !== 'string' || !ID.test(v)) r.fail(field, 'an id of 1 to 100 letters, digits, ".", "_", ":" or "-"');
  return v;
}

/**
 * Random bytes from the platform's CSPRNG as lowercase hex: report ids, tab ids. Unguessable,
 * and `getRandomValues`, unlike `randomUUID`, exists outside secure contexts too.
 * @param bytes how many random bytes (the result has twice as many digits)
 * @returns the hex digits
 * @example randomHex(REPORT_ID_BYTES) // '9f1c…' (32 digits)
 */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

import { VitrineError } from '../../src/protocol/errors';
import { validateCatalog, type Catalog } from '../../src/protocol/catalog';
import { isPlainObject } from '../../src/protocol/validate';
import { parseJson } from './fetch';

/** A signed catalog: the catalog's JSON text and an ECDSA P-256 / SHA-256 signature over its UTF-8 bytes. */
export interface SignedCatalog {
  signed: string;
  /** Base64 of the raw (IEEE P1363, r ‖ s) signature, as WebCrypto makes it. */
  signature: string;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * Imports the public key from the `catalogKey` option.
 * @param key a JWK, or base64 SPKI
 * @returns the key, for verifying only
 * @throws VitrineError `invalid-options` when it is not an ECDSA P-256 public key
 */
export async function importCatalogKey(key: string | JsonWebKey): Promise<CryptoKey> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    return typeof key === 'string'
      ? await crypto.subtle.importKey('spki', fromBase64(key), algorithm, false, ['verify'])
      : await crypto.subtle.importKey('jwk', key, algorithm, false, ['verify']);
  } catch (error) {
    throw new VitrineError('invalid-options', `options.catalogKey: expected an ECDSA P-256 public key (${(error as Error).message})`);
  }
}

/**
 * Checks a signed catalog and returns the document inside.
 * @param doc the parsed response body: a {@link SignedCatalog}
 * @param key the catalog key
 * @returns the parsed catalog document, not yet validated
 * @throws VitrineError `catalog-signature` when it is not signed, or not by that key
 */
export async function verifySigned(doc: unknown, key: CryptoKey): Promise<unknown> {
  if (!isPlainObject(doc) || typeof doc.signed !== 'string' || typeof doc.signature !== 'string') {
    throw new VitrineError('catalog-signature', 'catalog: expected a signed catalog { "signed": "<catalog JSON>", "signature": "<base64>" } because options.catalogKey is set');
  }
  let ok = false;
  try {
    ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(doc.signature), new TextEncoder().encode(doc.signed));
  } catch {
    ok = false;
  }
  if (!ok) throw new VitrineError('catalog-signature', 'catalog: the signature does not match options.catalogKey');
  return parseJson(doc.signed);
}

/**
 * Verifies (when a key is configured) and validates a catalog document for this site.
 * @param doc the parsed response body
 * @param siteId the SDK's site id, which the catalog must name
 * @param keySpec the `catalogKey` option
 * @returns the validated catalog
 * @throws VitrineError `catalog-signature` or `catalog-invalid`
 */
export async function checkCatalog(doc: unknown, siteId: string, keySpec: string | JsonWebKey | undefined): Promise<Catalog> {
  const inner = keySpec ? await verifySigned(doc, await importCatalogKey(keySpec)) : doc;
  const catalog = validateCatalog(inner);
  if (catalog.siteId !== siteId) {
    throw new VitrineError('catalog-invalid', `siteId: expected "${siteId}" (the SDK's siteId), got "${catalog.siteId}"`);
  }
  return catalog;
}

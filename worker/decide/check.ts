import { VitrineError } from '../../src/protocol/errors';
import { validateCatalog, type Catalog } from '../../src/protocol/catalog';
import { isPlainObject } from '../../src/protocol/validate';
import { parseJson, type DocumentKind } from './fetch';

/** A signed document (catalog, priors): its JSON text and an ECDSA P-256 / SHA-256 signature over its UTF-8 bytes. */
export interface SignedDocument {
  signed: string;
  /** Base64 of the raw (IEEE P1363, r ‖ s) signature, as WebCrypto makes it. */
  signature: string;
}

/** Where the key a document must be signed with is named: the catalog's in the SDK's options, the priors' in the catalog. */
const keyName = (kind: DocumentKind) => (kind === 'catalog' ? 'options.catalogKey' : "the catalog's learning.priorsKey");

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * Imports a public key: the `catalogKey` option, or the priors key a catalog names.
 * @param key a JWK, or base64 SPKI
 * @param kind whose key: the catalog's (an option, `invalid-options`) or the priors' (named in the catalog, `priors-signature`)
 * @returns the key, for verifying only
 * @throws VitrineError when it is not an ECDSA P-256 public key
 */
export async function importKey(key: string | JsonWebKey, kind: DocumentKind = 'catalog'): Promise<CryptoKey> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    return typeof key === 'string'
      ? await crypto.subtle.importKey('spki', fromBase64(key), algorithm, false, ['verify'])
      : await crypto.subtle.importKey('jwk', key, algorithm, false, ['verify']);
  } catch (error) {
    throw new VitrineError(kind === 'catalog' ? 'invalid-options' : 'priors-signature', `${keyName(kind)}: expected an ECDSA P-256 public key (${(error as Error).message})`);
  }
}

/**
 * Checks a signed document and returns the document inside.
 * @param doc the parsed response body: a {@link SignedDocument}
 * @param key the key it must be signed with
 * @param kind which document, for error codes and messages
 * @returns the parsed document, not yet validated
 * @throws VitrineError `catalog-signature` / `priors-signature` when it is not signed, or not by that key
 */
export async function verifySigned(doc: unknown, key: CryptoKey, kind: DocumentKind = 'catalog'): Promise<unknown> {
  if (!isPlainObject(doc) || typeof doc.signed !== 'string' || typeof doc.signature !== 'string') {
    throw new VitrineError(`${kind}-signature`, `${kind}: expected a signed ${kind} { "signed": "<${kind} JSON>", "signature": "<base64>" } because ${keyName(kind)} is set`);
  }
  let ok = false;
  try {
    ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(doc.signature), new TextEncoder().encode(doc.signed));
  } catch {
    ok = false;
  }
  if (!ok) throw new VitrineError(`${kind}-signature`, `${kind}: the signature does not match ${keyName(kind)}`);
  return parseJson(doc.signed, kind);
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
  const inner = keySpec ? await verifySigned(doc, await importKey(keySpec)) : doc;
  const catalog = validateCatalog(inner);
  if (catalog.siteId !== siteId) {
    throw new VitrineError('catalog-invalid', `siteId: expected "${siteId}" (the SDK's siteId), got "${catalog.siteId}"`);
  }
  return catalog;
}

/**
 * The signature chunk (dist/vitrine-signature.js): checks that a document (a catalog, the
 * priors) is signed with the key the merchant named. The engine loads it only when a catalog
 * key is set; the learn chunk carries its own copy, as priors are always signed.
 */
import { VitrineError } from '../../src/protocol/errors';
import { isPlainObject } from '../../src/protocol/validate';
import type { DocumentKind } from '../decide/fetch';

/** A signed document (catalog, priors): its JSON text and an ECDSA P-256 / SHA-256 signature over its UTF-8 bytes. */
export interface SignedDocument {
  signed: string;
  /** Base64 of the raw (IEEE P1363, r ‖ s) signature, as WebCrypto makes it. */
  signature: string;
}

/** Opens a signed document: its JSON text, once the signature is checked (the decide chunk parses it). */
export type OpenSigned = (doc: unknown) => Promise<string>;

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
export async function importKey(key: string | JsonWebKey, kind: DocumentKind): Promise<CryptoKey> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    return typeof key === 'string' ? await crypto.subtle.importKey('spki', fromBase64(key), algorithm, false, ['verify']) : await crypto.subtle.importKey('jwk', key, algorithm, false, ['verify']);
  } catch (error) {
    throw new VitrineError(kind === 'catalog' ? 'invalid-options' : 'priors-signature', `${keyName(kind)}: expected an ECDSA P-256 public key (${(error as Error).message})`);
  }
}

/**
 * Checks a signed document and returns the JSON text inside.
 * @param doc the parsed response body: a {@link SignedDocument}
 * @param key the key it must be signed with: a JWK, or base64 SPKI
 * @param kind which document, for error codes and messages
 * @returns the signed JSON text, not yet parsed
 * @throws VitrineError `catalog-signature` / `priors-signature` when it is not signed, or not by that key
 */
export async function openSigned(doc: unknown, key: string | JsonWebKey, kind: DocumentKind): Promise<string> {
  const publicKey = await importKey(key, kind);
  if (!isPlainObject(doc) || typeof doc.signed !== 'string' || typeof doc.signature !== 'string') {
    throw new VitrineError(`${kind}-signature`, `expected a signed ${kind} { "signed": "<${kind} JSON>", "signature": "<base64>" } because ${keyName(kind)} is set`);
  }
  let ok = false;
  try {
    ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, fromBase64(doc.signature), new TextEncoder().encode(doc.signed));
  } catch {
    ok = false;
  }
  if (!ok) throw new VitrineError(`${kind}-signature`, `the signature does not match ${keyName(kind)}`);
  return doc.signed;
}

/** What the signature chunk gives the engine. */
export interface SignatureModule {
  openSigned: typeof openSigned;
}

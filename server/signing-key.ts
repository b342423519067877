import { webcrypto } from 'node:crypto';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * A signing key of the merchant's (catalogs) or of the collector's (priors): the private key,
 * and the public key that devices are given to check what it signs.
 */
export interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
  /** The public key as base64 SPKI, the other form a catalog may name it in. */
  publicSpki: string;
}

/**
 * Reads a signing key: an ECDSA P-256 private key as a JWK (what `npm run catalog -- keygen` writes).
 * @param text the JWK file's text
 * @throws Error naming what is wrong
 */
export async function readSigningKey(text: string): Promise<SigningKey> {
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(text) as JsonWebKey;
  } catch {
    throw new Error('expected a JSON Web Key (JSON)');
  }
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
    throw new Error('expected an ECDSA P-256 private key as a JWK ({ "kty": "EC", "crv": "P-256", "d", "x", "y" }), as `npm run catalog -- keygen` writes it');
  }
  const privateKey = await webcrypto.subtle.importKey('jwk', jwk, ECDSA, false, ['sign']);
  const publicJwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  const publicKey = await webcrypto.subtle.importKey('jwk', publicJwk, ECDSA, true, ['verify']);
  const publicSpki = Buffer.from(await webcrypto.subtle.exportKey('spki', publicKey)).toString('base64');
  return { privateKey, publicJwk, publicSpki };
}

/**
 * Whether a public key (a catalog's `learning.priorsKey`) is this signing key's.
 * @param key the signing key
 * @param named the public key the catalog names (JWK, or base64 SPKI)
 */
export function namesKey(key: SigningKey, named: string | JsonWebKey): boolean {
  if (typeof named === 'string') return named.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '') === key.publicSpki.replace(/=+$/, '');
  return named.x === key.publicJwk.x && named.y === key.publicJwk.y;
}

/**
 * Signs a document's text (a catalog, a priors document): ECDSA P-256 / SHA-256 over its UTF-8
 * bytes, which the SDK checks with WebCrypto.
 * @param key the signing key
 * @param text the document's JSON text
 * @returns the envelope `{ signed, signature }` as JSON
 */
export async function signDocument(key: SigningKey, text: string): Promise<string> {
  const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(text));
  return JSON.stringify({ signed: text, signature: Buffer.from(signature).toString('base64') });
}

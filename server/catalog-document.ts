import { validateCatalog, type Catalog } from '../src/protocol/catalog';
import { isPlainObject } from '../src/protocol/validate';

/**
 * Reads a catalog document: Catalog v1, or a signed envelope `{ signed, signature }` whose
 * `signed` string holds one (the signature is the SDK's to verify).
 * @throws Error naming what is wrong
 */
export function readCatalogDocument(text: string): Catalog {
  const doc = JSON.parse(text) as unknown;
  const inner = isPlainObject(doc) && typeof doc.signed === 'string' ? (JSON.parse(doc.signed) as unknown) : doc;
  return validateCatalog(inner);
}

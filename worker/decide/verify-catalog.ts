import { VitrineError } from '../../src/protocol/errors';
import type { Catalog } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import type { OpenSigned } from '../signature/index';
import { parseJson } from './fetch';

/**
 * Opens (when a catalog key is set) and validates a catalog document for this site.
 * @param doc the parsed response body
 * @param siteId the SDK's site id, which the catalog must name
 * @param open with the `catalogKey` option: checks the signature and returns the signed text (the signature chunk)
 * @returns the validated catalog
 * @throws VitrineError `catalog-signature` or `catalog-invalid`
 */
export async function verifyCatalog(doc: unknown, siteId: string, open: OpenSigned | undefined): Promise<Catalog> {
  const catalog = validateCatalog(open ? parseJson(await open(doc), 'catalog') : doc);
  if (catalog.siteId !== siteId) {
    throw new VitrineError('catalog-invalid', `siteId: expected "${siteId}" (the SDK's siteId), got "${catalog.siteId}"`);
  }
  return catalog;
}

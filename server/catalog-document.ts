import type { Catalog } from '../src/protocol/catalog';
import { validateCatalog } from '../src/protocol/validate-catalog';
import { ID, SITE_ID, SITE_ID_TEXT } from '../src/protocol/ids';
import { REPORT_LIMITS, reportDomain } from '../src/protocol/report';
import { isPlainObject } from '../src/protocol/validate';

/**
 * The most (offer, variant) pairs a catalog version may have on a collector: what a report,
 * split in its most parts, can carry (the device refuses to build more, worker/report/build.ts).
 */
export const MAX_CATALOG_CELLS = REPORT_LIMITS.cells * REPORT_LIMITS.parts;

/**
 * Reads a catalog document: Catalog v1, or a signed envelope `{ signed, signature }` whose
 * `signed` string holds one (the signature is the SDK's to verify). On the collector a catalog
 * must also be one its reports can describe: a site id and a version of the id patterns (they
 * end up in URLs, logs and the dashboard), and at most {@link MAX_CATALOG_CELLS} cells.
 * @throws Error naming what is wrong
 */
export function readCatalogDocument(text: string): Catalog {
  const doc = JSON.parse(text) as unknown;
  const inner = isPlainObject(doc) && typeof doc.signed === 'string' ? (JSON.parse(doc.signed) as unknown) : doc;
  const catalog = validateCatalog(inner);
  if (!SITE_ID.test(catalog.siteId)) throw new Error(`siteId: expected a site id of ${SITE_ID_TEXT}`);
  if (!ID.test(catalog.version)) throw new Error('version: expected 1 to 100 letters, digits, ".", "_", ":" or "-"');
  const cells = reportDomain(catalog).length;
  if (cells > MAX_CATALOG_CELLS) throw new Error(`offers: ${cells} (offer, variant) pairs, more than the ${MAX_CATALOG_CELLS} a report can carry`);
  return catalog;
}

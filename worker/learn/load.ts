import { VitrineError } from '../../src/protocol/errors';
import { validatePriors, type Priors } from '../../src/protocol/priors';
import type { DecideModule } from '../decide/index';
import { withTimeout } from '../../src/protocol/timeout';
import { openSigned } from '../signature/index';

/**
 * How long fetching the priors may take before it counts as failed: a collector that hangs
 * must not hold the decisions waiting for them. (A catalog may be megabytes on a slow line: it
 * has the engine's call timeout only.)
 */
export const PRIORS_FETCH_TIMEOUT_MS = 10_000;

/**
 * Fetches the priors (with the cached copy's ETag), checks their signature against the key the
 * catalog names, and validates them for this site.
 * @param loadSigned the decide chunk's fetch of a signed document
 * @param url the priors URL
 * @param etag the cached copy's ETag, null without one
 * @param key the catalog's `learning.priorsKey`
 * @param siteId the SDK's site id, which the priors must name
 * @returns `not-modified`, or the checked priors and their ETag
 * @throws VitrineError `priors-unavailable`, `priors-signature` or `priors-invalid`
 */
export async function loadPriors(
  loadSigned: DecideModule['loadSigned'],
  url: string,
  etag: string | null,
  key: string | JsonWebKey,
  siteId: string,
): Promise<{ status: 'not-modified' } | { status: 'ok'; priors: Priors; etag: string | null }> {
  const result = await withTimeout(
    loadSigned(url, etag, 'priors', (doc) => openSigned(doc, key, 'priors')),
    PRIORS_FETCH_TIMEOUT_MS,
    'priors-unavailable',
    url,
  );
  if (result.status === 'not-modified') return result;
  const priors = validatePriors(result.body);
  if (priors.site !== siteId) throw new VitrineError('priors-invalid', `site: expected "${siteId}" (the SDK's siteId), got "${priors.site}"`);
  return { status: 'ok', priors, etag: result.etag };
}

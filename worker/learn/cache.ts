import { toErrorData } from '../../src/protocol/errors';
import type { Catalog } from '../../src/protocol/catalog';
import type { Priors } from '../../src/protocol/priors';
import type { EngineContext } from '../context';
import type { LearnedDraws } from '../decide/learned';
import type { DecideModule } from '../decide/index';
import { loadPriors } from './load';
import { learnedDraws } from './thompson';
import { MINUTE_MS } from '../../src/protocol/time';

/**
 * The collector's priors for the current catalog (README, "Offers that learn"), owned here:
 * restored from the device, refreshed with their ETag, used only while they are for the
 * catalog's version and before their `validUntil`, and the device's draws from them.
 */

/** Priors older than this are fetched again (with their ETag) at the next decision. */
const PRIORS_MAX_AGE_MS = 5 * MINUTE_MS;
/** The shape of the cached priors; another value means: fetch them again. */
const PRIORS_CACHE_SCHEMA = 1;

const keyOf = (catalog: Catalog): string | null => (catalog.learning ? JSON.stringify(catalog.learning.priorsKey) : null);

/**
 * Where a catalog's priors are: its `learning.priorsUrl`, or `priors?site=<siteId>` beside the
 * catalog, resolved against the catalog's URL.
 */
export function priorsUrl(catalog: Catalog, catalogUrl: string | undefined, siteId: string): string | null {
  if (!catalog.learning || !catalogUrl) return null;
  // A relative catalog URL is relative to the page (or the worker) that fetches it.
  const base = new URL(catalogUrl, (globalThis as { location?: { href: string } }).location?.href);
  return new URL(catalog.learning.priorsUrl ?? `priors?site=${encodeURIComponent(siteId)}`, base).href;
}

async function restore(ctx: EngineContext, catalog: Catalog): Promise<void> {
  const cached = await ctx.guarded(() => ctx.store().getMeta('priors'));
  if (!ctx.priors.fetchedAt && cached?.schema === PRIORS_CACHE_SCHEMA && cached.key === keyOf(catalog)) {
    Object.assign(ctx.priors, { current: cached.priors, key: cached.key, etag: cached.etag, fetchedAt: cached.fetchedAt, askedFor: cached.askedFor });
  }
}

/** Keeps the priors, and when they were last asked for (a failure too, so the next page does not wait for another try). */
async function save(ctx: EngineContext): Promise<void> {
  const { current, key, fetchedAt, askedFor } = ctx.priors;
  const consent = ctx.consent();
  if (!ctx.mayKeep('priors') || ctx.store().kind !== 'indexeddb') return;
  // As with the catalog, an ETag could single a device out: kept with functional consent only.
  const etag = consent.purposes.functional ? ctx.priors.etag : null;
  await ctx.keptIfAllowed(() => ctx.store().setMeta('priors', { priors: current, key, etag, fetchedAt, askedFor, schema: PRIORS_CACHE_SCHEMA }, ctx.guardOf('priors')));
}

async function fetchPriors(ctx: EngineContext, decide: DecideModule, catalog: Catalog, url: string): Promise<void> {
  const p = ctx.priors;
  const key = keyOf(catalog);
  try {
    const result = await loadPriors(decide.loadSigned, url, p.current && p.key === key ? p.etag : null, catalog.learning!.priorsKey, ctx.config.siteId);
    await ctx.serial(async () => {
      p.fetchedAt = Date.now();
      p.error = undefined;
      if (result.status === 'ok') {
        Object.assign(p, { current: result.priors, key, etag: result.etag });
        await save(ctx);
      }
    });
  } catch (error) {
    p.fetchedAt = Date.now();
    p.error = toErrorData(error, 'priors-unavailable').message;
    if (!p.current) p.key = key;
    await ctx.serial(() => save(ctx)).catch(() => undefined);
  }
  ctx.emit({ type: 'priors', version: p.current?.version ?? null, ...(p.error ? { error: p.error } : {}) });
}

/** Fetches the priors; refused ones leave the last good in place, with the reason in `priors.error`. Callers during a fetch share it. */
function refresh(ctx: EngineContext, decide: DecideModule, catalog: Catalog): Promise<void> | undefined {
  let url: string | null;
  try {
    url = priorsUrl(catalog, ctx.config.catalogUrl, ctx.config.siteId);
  } catch (error) {
    ctx.priors.error = `priors: no URL to fetch them from (${(error as Error).message})`;
    return;
  }
  if (!url) return;
  return (ctx.priors.loading ??= fetchPriors(ctx, decide, catalog, url).finally(() => (ctx.priors.loading = undefined)));
}

/**
 * The priors a decision may learn from: for this catalog's version and site, checked with the
 * key it names, and not past their `validUntil`; otherwise none (the catalog's own order).
 */
export function usablePriors(ctx: EngineContext, catalog: Catalog, now: number): Priors | null {
  const p = ctx.priors.current;
  return p && p.catalog === catalog.version && p.site === catalog.siteId && ctx.priors.key === keyOf(catalog) && now < p.validUntil ? p : null;
}

/**
 * Gets priors ready for a decision, outside the engine's queue: restores those an earlier
 * visit kept, waits for the first fetch when there are none for this catalog version, and
 * refreshes stale ones in the background. Never throws.
 * @param ctx the engine
 * @param decide the decide chunk, whose fetch and signature check load the priors
 * @param catalog the current catalog (one that learns)
 * @param now the time of the decision
 */
export async function preparePriors(ctx: EngineContext, decide: DecideModule, catalog: Catalog, now: number): Promise<void> {
  const p = ctx.priors;
  if (!p.fetchedAt) await restore(ctx, catalog).catch(() => undefined);
  // A failure an earlier page kept is not waited for again: its fetch is retried when stale.
  if (!p.current && p.fetchedAt && p.askedFor === catalog.version) p.error ??= 'the last fetch failed';
  // Asked for once per catalog version, then again when stale (failures included, so a collector
  // without priors is not asked at every decision).
  if (p.askedFor !== catalog.version || now - p.fetchedAt > PRIORS_MAX_AGE_MS) {
    p.askedFor = catalog.version;
    refresh(ctx, decide, catalog);
  }
  // Without usable priors, a decision waits for the fetch under way, whichever decision started
  // it (two slots of one page decide at once), unless fetching has failed: then it goes on without.
  if (p.loading && !p.error && !usablePriors(ctx, catalog, now)) await p.loading;
}

/**
 * The device's draws from the usable priors, drawn once per catalog version, priors version and seed.
 * @returns the draws, or null without usable priors
 */
export function drawsFor(ctx: EngineContext, catalog: Catalog, now: number): LearnedDraws | null {
  const priors = usablePriors(ctx, catalog, now);
  if (!priors) return null;
  const drawnFor = `${catalog.version}\u0000${priors.version}\u0000${ctx.seed()}`;
  if (ctx.priors.draws?.for !== drawnFor) ctx.priors.draws = { for: drawnFor, value: learnedDraws(catalog, priors, ctx.seed()) };
  return ctx.priors.draws.value;
}

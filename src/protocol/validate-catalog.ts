import { Reader, readArray } from './validate';
import { readLearning, readSwitch } from './learning';
import { VitrineError } from './errors';
import { readId } from './ids';
import { HOLDOUT_ARMS } from './decision';
import { isSafeUrl } from './safe-url';
import { CATALOG_DEFAULTS, CATALOG_LIMITS, DEFAULT_VARIANT, MAX_WEIGHT, type Catalog, type Eligibility, type Experiment, type FeatureWeights, type Offer, type OfferContent } from './catalog';

function url(r: Reader, field: string): string | undefined {
  const v = r.optString(field, CATALOG_LIMITS.text);
  if (v !== undefined && !isSafeUrl(v)) r.fail(field, 'an http(s) or relative URL');
  return v;
}

function strings(r: Reader, field: string): string[] {
  return (
    readArray(
      r,
      field,
      CATALOG_LIMITS.categories,
      (v, path) => {
        if (typeof v !== 'string' || v.length === 0 || v.length > 100) {
          throw new VitrineError('catalog-invalid', `${path}: expected a non-empty string of at most 100 characters`);
        }
        return v;
      },
      true,
    ) ?? []
  );
}

function date(r: Reader, field: string): number | null {
  const v = r.raw(field);
  if (v === undefined) return null;
  const t = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(t)) r.fail(field, 'an ISO 8601 date-time such as "2026-11-01T00:00:00Z"');
  return t;
}

function content(r: Reader, partial: boolean): Partial<OfferContent> {
  const out: Partial<OfferContent> = {};
  const title = partial ? r.optString('title', CATALOG_LIMITS.text) : r.string('title', CATALOG_LIMITS.text);
  const body = r.optString('body', CATALOG_LIMITS.text);
  const image = url(r, 'image');
  const imageAlt = r.raw('imageAlt');
  if (imageAlt !== undefined && (typeof imageAlt !== 'string' || imageAlt.length > CATALOG_LIMITS.text)) {
    r.fail('imageAlt', 'a string (empty for a decorative image)');
  }
  const cta = r.optObject('cta', (c) => ({ label: c.string('label', 200), href: url(c, 'href') ?? c.fail('href', 'an http(s) or relative URL') }));
  if (title !== undefined) out.title = title;
  if (body !== undefined) out.body = body;
  if (image !== undefined) out.image = image;
  if (imageAlt !== undefined) out.imageAlt = imageAlt as string;
  if (cta !== undefined) out.cta = cta;
  return out;
}

function readOffer(value: unknown, index: string): Offer {
  // The offer's id beside its index, so a message points at the offer a merchant knows by name.
  const id = (value as { id?: unknown } | null)?.id;
  const r = Reader.of(value, typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? `${index} (${id})` : index, 'catalog-invalid');
  const offerId = readId(r, 'id');
  const slot = readId(r, 'slot');
  const categories = strings(r, 'categories');
  const skus = strings(r, 'skus');
  const price = r.optNumber('price', 0, 1e9) ?? null;
  const base = r.optObject('content', (c) => content(c, false) as OfferContent) ?? r.fail('content', 'an object with at least a title');
  const extra =
    readArray(
      r,
      'variants',
      CATALOG_LIMITS.variants,
      (v, p) => {
        const vr = Reader.of(v, p, 'catalog-invalid');
        const variant = { id: readId(vr, 'id'), weight: vr.number('weight', 0, 100), content: vr.optObject('content', (c) => content(c, true)) ?? {} };
        vr.done();
        if (variant.id === DEFAULT_VARIANT) vr.fail('id', 'an id other than "default" (the base content)');
        return variant;
      },
      true,
    ) ?? [];
  const extraWeight = extra.reduce((sum, v) => sum + v.weight, 0);
  if (extraWeight > 100) r.fail('variants', 'weights that add up to at most 100 (the rest goes to the base content)');
  if (new Set(extra.map((v) => v.id)).size !== extra.length) r.fail('variants', 'distinct variant ids');
  const eligibility: Eligibility = r.optObject('eligibility', (e) => {
    const visitor = e.oneOf('visitor', ['any', 'new', 'returning'] as const, 'any');
    const boughtBefore = e.optObject('boughtBefore', (b) => ({ categories: strings(b, 'categories'), minDaysAgo: b.optNumber('minDaysAgo', 0, 3650) ?? 0 }));
    const out: Eligibility = {
      visitor,
      cartMinValue: e.optNumber('cartMinValue', 0, 1e9) ?? 0,
      cartCategories: strings(e, 'cartCategories'),
      boughtBefore: boughtBefore?.categories.length ? boughtBefore : null,
      from: date(e, 'from'),
      until: date(e, 'until'),
    };
    if (out.from !== null && out.until !== null && out.from >= out.until) e.fail('until', 'a date-time after "from"');
    return out;
  }) ?? { visitor: 'any', cartMinValue: 0, cartCategories: [], boughtBefore: null, from: null, until: null };
  const weights = r.optObject('weights', (w) => {
    const out: FeatureWeights = { ...CATALOG_DEFAULTS.weights };
    for (const f of Object.keys(out) as (keyof FeatureWeights)[]) out[f] = w.optNumber(f, -MAX_WEIGHT, MAX_WEIGHT) ?? out[f];
    return out;
  }) ?? { ...CATALOG_DEFAULTS.weights };
  const caps = r.optObject('caps', (c) => ({
    perHour: c.optInteger('perHour', 1, 1e6) ?? 0,
    perDay: c.optInteger('perDay', 1, 1e6) ?? 0,
    perWeek: c.optInteger('perWeek', 1, 1e6) ?? 0,
    dismissCooldownHours: c.optNumber('dismissCooldownHours', 0, 24 * 365) ?? CATALOG_DEFAULTS.caps.dismissCooldownHours,
  })) ?? { ...CATALOG_DEFAULTS.caps };
  const sensitive = r.optBoolean('sensitive') ?? false;
  if (sensitive && eligibility.boughtBefore) r.fail('eligibility.boughtBefore', 'no purchase history on a sensitive offer (sensitive offers are contextual only)');
  const priority = r.optNumber('priority', -1e6, 1e6) ?? 0;
  const learning = r.optObject('learning', readSwitch) ?? null;
  r.done();
  return {
    id: offerId,
    slot,
    categories,
    skus,
    price,
    content: base,
    variants: [{ id: DEFAULT_VARIANT, weight: 100 - extraWeight, content: {} }, ...extra],
    eligibility,
    weights,
    caps,
    sensitive,
    priority,
    learning,
  };
}

function readExperiment(value: unknown, path: string): Experiment {
  const r = Reader.of(value, path, 'catalog-invalid');
  const experimentId = readId(r, 'id');
  r.oneOf('kind', ['personalization-holdout']);
  const arms = readArray(r, 'arms', 2, (v, p) => {
    const a = Reader.of(v, p, 'catalog-invalid');
    const armId = a.oneOf('id', HOLDOUT_ARMS);
    const arm = { id: armId, weight: a.number('weight', 0, 1e6) };
    a.done();
    return arm;
  })!;
  if (arms.length !== 2 || arms[0]!.id === arms[1]!.id) r.fail('arms', 'the two arms "personalized" and "baseline"');
  if (arms[0]!.weight + arms[1]!.weight <= 0) r.fail('arms', 'weights that add up to more than 0');
  r.done();
  return { id: experimentId, kind: 'personalization-holdout', arms };
}

/**
 * Validates a Catalog v1 document and fills in defaults. Unknown fields are refused.
 * @param value the parsed JSON
 * @returns the catalog
 * @throws VitrineError `catalog-invalid` with the path of the first problem
 * (`offers[3].caps.perDay: expected a positive integer`)
 */
export function validateCatalog(value: unknown): Catalog {
  const r = Reader.of(value, '', 'catalog-invalid');
  const version = r.string('version', 100);
  const siteId = r.string('siteId', 64);
  const settings = r.optObject('settings', (s) => ({
    exploration: s.optNumber('exploration', 0, 1) ?? CATALOG_DEFAULTS.settings.exploration,
    diversity: s.optNumber('diversity', 0, 1) ?? CATALOG_DEFAULTS.settings.diversity,
    attributionWindowHours: s.optNumber('attributionWindowHours', 0, 24 * 90) ?? CATALOG_DEFAULTS.settings.attributionWindowHours,
  })) ?? { ...CATALOG_DEFAULTS.settings };
  const experiments = readArray(r, 'experiments', 1, readExperiment, true) ?? [];
  const categoryLabelsIn = (value as Record<string, unknown>).categoryLabels as object;
  const categoryLabels =
    r.optObject('categoryLabels', (l) => {
      const out: Record<string, string> = Object.create(null);
      for (const key of Object.keys(categoryLabelsIn)) out[key] = l.string(key, 100);
      return out;
    }) ?? Object.create(null);
  const learning = r.optObject('learning', (l) => readLearning(l, url)) ?? null;
  const offers = readArray(r, 'offers', CATALOG_LIMITS.offers, readOffer)!;
  r.done();
  const seen = new Set<string>();
  offers.forEach((o, i) => {
    if (seen.has(o.id)) throw new VitrineError('catalog-invalid', `offers[${i}].id: expected a unique id; "${o.id}" is used twice`);
    seen.add(o.id);
  });
  return { version, siteId, settings, experiments, categoryLabels, learning, offers };
}

import { randomBytes } from 'node:crypto';
import type { Catalog } from '../../src/protocol/catalog';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { reportArms, reportDomain, validateReport, type Report } from '../../src/protocol/report';
import type { Arm } from '../../src/protocol/decision';
import { generator } from '../../worker/random';
import { DAY_MS } from '../../src/protocol/time';

/* What the ingest bench sends: the bench site's catalogs, and report bodies that never repeat. */

/** The site the ingest bench reports for. */
export const SITE = 'bench';
/**
 * The daily windows reports cover, in days before today, in proportion: a collector gets mostly
 * yesterday's, and some older ones from devices that were offline for a while.
 */
const WINDOW_DAYS = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7];
const ID_PLACEHOLDER = '0'.repeat(32);
/**
 * How reports spread over the arms, in proportion: a shop where 9 shoppers in 10 allow
 * personalization, split 90/10 by the holdout, and the rest see contextual offers.
 */
const ARM_SHARES: Record<Arm, number> = { personalized: 8, baseline: 1, contextual: 1 };

/**
 * A catalog of site `bench` whose reports have exactly `cells` cells, with a personalization
 * holdout: 20 cells are 20 offers with their base content only, 200 are 100 offers with one
 * extra variant each.
 */
export function benchCatalog(cells: number): { file: object; catalog: Catalog } {
  const variants = cells > 100 ? 2 : 1;
  const file = {
    version: `bench-${cells}`,
    siteId: SITE,
    experiments: [
      {
        id: 'holdout',
        kind: 'personalization-holdout',
        arms: [
          { id: 'personalized', weight: 90 },
          { id: 'baseline', weight: 10 },
        ],
      },
    ],
    offers: Array.from({ length: cells / variants }, (_, i) => ({
      id: `offer-${i}`,
      slot: 'home-hero',
      categories: ['bench'],
      content: { title: `Offer ${i}` },
      ...(variants > 1 ? { variants: [{ id: 'b', weight: 50, content: { title: `Offer ${i}, variant b` } }] } : {}),
    })),
  };
  const catalog = validateCatalog(file);
  const size = reportDomain(catalog).length;
  if (size !== cells) throw new Error(`bench catalog for ${cells} cells has a report domain of ${size}`);
  return { file, catalog };
}

/**
 * Report bodies of a catalog that never repeat (the collector deduplicates ids): a few
 * serialised reports (windows × arms) with a unique id written into a copy of one per call.
 * The ids are a random prefix for the run and a counter, so making a body costs one copy.
 */
export function reportBodies(catalog: Catalog): () => Buffer {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const templates: { bytes: Buffer; at: number }[] = [];
  for (const w of WINDOW_DAYS) {
    for (const arm of reportArms(catalog).flatMap((a) => Array<Arm>(ARM_SHARES[a]).fill(a))) {
      const report: Report = {
        v: 1,
        id: ID_PLACEHOLDER,
        site: SITE,
        windowStart: new Date(today - w * DAY_MS).toISOString(),
        windowMs: DAY_MS,
        catalog: catalog.version,
        noise: { mechanism: 'none' },
        cells: reportDomain(catalog).map(([offer, variant], i) => ({
          offer,
          variant,
          arm,
          impressions: (i + w) % 7,
          clicks: (i + w) % 3 === 0 ? 1 : 0,
          dismissals: 0,
          conversions: (i + w) % 11 === 0 ? 1 : 0,
          revenue: (i + w) % 11 === 0 ? 4_900 : 0,
        })),
      };
      const text = JSON.stringify(report);
      validateReport(JSON.parse(text));
      templates.push({ bytes: Buffer.from(text), at: Buffer.byteLength(text.slice(0, text.indexOf(ID_PLACEHOLDER))) });
    }
  }
  // Arrivals interleave windows and arms as devices report independently: a seeded shuffle.
  const random = generator(7);
  for (let i = templates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [templates[i], templates[j]] = [templates[j]!, templates[i]!];
  }
  const prefix = randomBytes(8).toString('hex');
  let n = 0;
  return () => {
    const template = templates[n % templates.length]!;
    const body = Buffer.from(template.bytes);
    body.write(prefix + (n++).toString(16).padStart(16, '0'), template.at, 'latin1');
    return body;
  };
}

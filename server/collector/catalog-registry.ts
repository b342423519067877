import { reportArms, reportDomain, type Report } from '../../src/protocol/report';
import type { Catalog } from '../../src/protocol/catalog';
import { learningOf } from '../../src/protocol/learning';
import type { Arm } from '../../src/protocol/decision';
import type { CatalogShape, CounterStore, Registration } from '../store';

/** A catalog version's shape, ready for checking reports against it. */
interface Compiled {
  shape: CatalogShape;
  /** `offer \0 variant` → place in the domain. */
  place: Map<string, number>;
  offers: Set<string>;
  arms: Set<Arm>;
}

/** How long a version no store knows stays unknown before the store is asked again. */
const UNKNOWN_MS = 2_000;
/**
 * Cells of the shapes kept in memory, all versions together (about 100 bytes each); the store
 * holds them all. Bounded by cells, not versions: a report that cites big versions, one after
 * another, may make the collector read them, never hold more than this.
 */
export const CACHED_CELLS = 200_000;
/** Versions remembered as unknown, for a moment each. */
const UNKNOWN_KEPT = 1_000;

/** The catalog versions the collector knows, and the check of a report against its version. */
export interface CatalogRegistry {
  /** Keeps a validated catalog's shape in the store: a version is immutable once known. */
  register(catalog: Catalog): Promise<Registration>;
  /**
   * Checks that a validated report has exactly the shape of the catalog version it cites.
   * @returns what is wrong, naming the path, or undefined when it fits. Never quotes the report.
   */
  check(report: Report): Promise<string | undefined>;
  /** What the in-memory cache holds now: versions and their cells (at most {@link CACHED_CELLS}). */
  cached(): { versions: number; cells: number };
}

/**
 * The shape a catalog gives its reports.
 * @param catalog a validated catalog
 */
function shapeOf(catalog: Catalog): CatalogShape {
  const shape: CatalogShape = { site: catalog.siteId, version: catalog.version, cells: reportDomain(catalog), arms: reportArms(catalog) };
  if (catalog.learning) {
    shape.learning = {
      attributionWindowHours: catalog.settings.attributionWindowHours,
      slots: Object.fromEntries(catalog.offers.map((o) => [o.id, o.slot])),
      priorsKey: catalog.learning.priorsKey,
      variantsLearn: catalog.offers.filter((o) => o.variants.length > 1 && learningOf(catalog, o).variants).map((o) => o.id),
    };
  }
  return shape;
}

function compile(shape: CatalogShape): Compiled {
  return {
    shape,
    place: new Map(shape.cells.map(([offer, variant], i) => [`${offer}\u0000${variant}`, i])),
    offers: new Set(shape.cells.map(([offer]) => offer)),
    arms: new Set(shape.arms),
  };
}

/** Why cell `j`, which should be domain cell `expected`, is not. */
function misplaced(c: Compiled, report: Report, j: number, expected: number, of: string): string {
  const cell = report.cells[j]!;
  if (!c.offers.has(cell.offer)) return `report.cells[${j}].offer: not in catalog ${of}`;
  if (!c.place.has(`${cell.offer}\u0000${cell.variant}`)) return `report.cells[${j}].variant: not a variant of that offer in catalog ${of}`;
  const [offer, variant] = c.shape.cells[expected] ?? [];
  return offer === undefined
    ? `report.cells[${j}]: past the end of catalog ${of}`
    : `report.cells[${j}]: expected offer "${offer}", variant "${variant}" here (cells follow catalog ${of} in order, each once)`;
}

/** The check itself, on a compiled shape. */
function fits(c: Compiled, report: Report): string | undefined {
  const { cells, part } = report;
  const domain = c.shape.cells;
  const of = `${c.shape.version} of ${c.shape.site}`;
  const arm = cells[0]?.arm;
  if (arm === undefined) return `report.cells: expected the ${domain.length} (offer, variant) pairs of catalog ${of}, got none`;
  if (!c.arms.has(arm)) return `report.cells[0].arm: not an arm of catalog ${of} (expected ${c.shape.arms.map((a) => `"${a}"`).join(', ')})`;
  // A report split in parts carries a run of the domain: the first part starts it, the last ends it.
  const first = part ? part.index : 0;
  const last = part ? part.count - 1 : 0;
  let start = 0;
  if (first > 0) {
    const at = c.place.get(`${cells[0]!.offer}\u0000${cells[0]!.variant}`);
    if (at === undefined || at === 0) return misplaced(c, report, 0, 1, of);
    start = at;
  }
  for (let j = 0; j < cells.length; j++) {
    const cell = cells[j]!;
    const expected = domain[start + j];
    if (!expected || cell.offer !== expected[0] || cell.variant !== expected[1]) return misplaced(c, report, j, start + j, of);
    if (cell.arm !== arm) return `report.cells[${j}].arm: expected "${arm}" as in cells[0] (a report holds one arm)`;
  }
  const end = start + cells.length;
  if (first === last && end !== domain.length) {
    return `report.cells: expected the ${domain.length} (offer, variant) pairs of catalog ${of}${part ? ' in its last part' : ''}, got ${end}`;
  }
  if (first < last && end === domain.length) return `report.part: catalog ${of} ends in part ${first} of ${part!.count}`;
  return undefined;
}

/**
 * The registry over a store, with the compiled shapes cached in memory. A version another
 * collector registered is found in the shared store on first use.
 * @param store where shapes are kept
 * @param refresh asked once before a version is called unknown: reloads the catalog this collector serves, which registers it
 */
export function createCatalogRegistry(store: CounterStore, refresh: () => Promise<void> = async () => undefined): CatalogRegistry {
  const known = new Map<string, Compiled>();
  const unknownUntil = new Map<string, number>();
  let cachedCells = 0;
  const remember = (key: string, shape: CatalogShape) => {
    // The oldest shapes go first, until the new one fits (a single shape is at most MAX_CATALOG_CELLS).
    for (const [oldKey, old] of known) {
      if (cachedCells + shape.cells.length <= CACHED_CELLS) break;
      known.delete(oldKey);
      cachedCells -= old.shape.cells.length;
    }
    const compiled = compile(shape);
    known.set(key, compiled);
    cachedCells += shape.cells.length;
    return compiled;
  };
  const lookup = async (site: string, version: string): Promise<Compiled | undefined> => {
    const key = `${site}\u0000${version}`;
    const cached = known.get(key);
    if (cached) return cached;
    if ((unknownUntil.get(key) ?? 0) > Date.now()) return undefined;
    let shape = await store.catalogShape(site, version);
    if (!shape) {
      await refresh();
      shape = await store.catalogShape(site, version);
    }
    if (shape) return remember(key, shape);
    if (unknownUntil.size >= UNKNOWN_KEPT) unknownUntil.clear();
    unknownUntil.set(key, Date.now() + UNKNOWN_MS);
    return undefined;
  };
  return {
    async register(catalog) {
      const shape = shapeOf(catalog);
      const outcome = await store.registerCatalog(shape, Date.now());
      const key = `${shape.site}\u0000${shape.version}`;
      unknownUntil.delete(key);
      if (outcome !== 'conflict' && !known.has(key)) remember(key, shape);
      return outcome;
    },
    async check(report) {
      const compiled = await lookup(report.site, report.catalog);
      if (!compiled) return 'report.catalog: not a catalog version this collector knows for this site (register it with `npm run catalog -- publish`)';
      return fits(compiled, report);
    },
    cached: () => ({ versions: known.size, cells: cachedCells }),
  };
}

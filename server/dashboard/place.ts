import { SITE_ID } from '../../src/protocol/ids';

/** A day, or an ISO 8601 time with its offset: what `from` and `to` may be. */
const TIME = /^\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d{1,3})?)?(?:Z|[+-]\d\d:\d\d))?$/;

/** What the dashboard is asked to show: a site and, optionally, a range of window starts as given. */
export interface Place {
  site: string;
  from?: string;
  to?: string;
}

/** The outcome of reading a place: the valid parts, and what was wrong with the rest. */
export interface PlaceReading {
  /** Undefined when no site was asked for and none is configured. */
  place: Place | undefined;
  /** The valid values asked for, to carry through a sign-in. */
  carried: Partial<Place>;
  /** One message per invalid value, naming it. */
  errors: string[];
}

/**
 * Reads `site`, `from` and `to` (from a query string or a form). Only a site id and ISO 8601
 * times pass: what is carried back into a redirect can never point elsewhere.
 * @param value a field's value, or undefined
 * @param sites the allow-list; its first site is the default
 */
export function readPlace(value: (name: string) => string | undefined, sites?: string[]): PlaceReading {
  const errors: string[] = [];
  const carried: Partial<Place> = {};
  const site = value('site');
  if (site) {
    if (SITE_ID.test(site)) carried.site = site;
    else errors.push('site: expected a site id of 1 to 64 letters, digits, ".", "_" or "-"');
  }
  for (const name of ['from', 'to'] as const) {
    const time = value(name);
    if (!time) continue;
    if (TIME.test(time) && Number.isFinite(Date.parse(time))) carried[name] = time;
    else errors.push(`${name}: expected a day such as 2026-11-22 or an ISO 8601 time such as 2026-11-22T00:00:00Z`);
  }
  const chosen = carried.site ?? (site ? undefined : sites?.[0]);
  return { place: chosen && !errors.length ? { ...carried, site: chosen } : undefined, carried, errors };
}

/**
 * A link to the dashboard (or one of its routes) for a place.
 * @param base the dashboard's path, e.g. `/dashboard`
 * @param route `''`, `/export.csv`, …
 * @param extra more query parameters, e.g. `{ failed: '1' }`
 */
export function placeHref(base: string, route: string, place: Partial<Place>, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const name of ['site', 'from', 'to'] as const) if (place[name]) query.set(name, place[name]);
  for (const [name, value] of Object.entries(extra)) query.set(name, value);
  const search = query.toString();
  return `${base}${route}${search ? `?${search}` : ''}` || '/';
}

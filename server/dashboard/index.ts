import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { readStats, statsQuery, type StatsOptions } from '../collector/stats-api';
import type { Sessions } from './session';
import { offersCsv } from './csv';
import { dashboardPage } from './page';
import { placeHref, readPlace, type Place } from './place';
import { signInPage, sitePage } from './signin';
import { offerViews } from './view';
import { summarizePriors, type PriorsSummary } from '../priors/summary';
import { shareChecks, type ShareCheck } from '../priors/shares';
import { readStoredPriors } from '../priors/publisher';

/** The largest sign-in or sign-out form read: a token, a site and a range fit many times over. */
export const FORM_BYTES = 4096;

/** What the dashboard needs besides what the stats API does. */
export interface DashboardOptions extends StatsOptions {
  sessions: Sessions;
  /** The URL the dashboard is reached at (`VITRINE_PUBLIC_URL`): a form must come from its origin. Default: the request's own. */
  publicUrl?: URL | undefined;
}

/** No script at all, nothing from elsewhere, forms only to this origin, never framed. */
/**
 * The dashboard's headers: no script at all, styles inline only, never framed, no referrer; the
 * rest of hono's safe defaults. HSTS is left to the HTTPS proxy in front (the collector may be
 * reached over plain HTTP on loopback).
 */
const SAFE_HEADERS = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
});

/** The dashboard's own path, from the request (so it works wherever it is mounted); never `//…`. */
function basePath(c: Context): string {
  const base = c.req.path.replace(/\/(?:login|logout|export\.csv)?$/, '');
  return /^(?:\/(?!\/)[^?#]*)?$/.test(base) ? base : '';
}

/** Reads the query or form values of a request as one lookup. */
const fromForm = (form: Record<string, unknown>) => (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);

/** The site's current priors, summed up; null when it has none (its catalog does not learn, or none was computed yet). */
async function readPriors(options: StatsOptions, site: string): Promise<PriorsSummary | null> {
  const stored = await options.store.latestPriors(site);
  return stored ? summarizePriors(readStoredPriors(stored)) : null;
}

/** Per window, the learned variants' shares against what the priors implied (windows with k reports only). */
async function readShareChecks(options: StatsOptions, q: { site: string; from: number; to: number }): Promise<ShareCheck[]> {
  const learning = (await options.store.currentCatalog(q.site))?.learning;
  if (!learning?.variantsLearn?.length) return [];
  const history = await options.store.priorsHistory(q.site);
  if (!history.length) return [];
  // Only windows the kept priors can cover are read: the cost stays that of two days of windows, however many the store holds.
  const windows = await options.store.windows(q.site, Math.max(q.from, history[0]!.computedAt), q.to);
  return shareChecks(
    learning,
    history,
    windows.filter((w) => w.reports >= options.k),
  );
}

/** What the page and the CSV show: the k-anonymous stats and the per-day rows, grouped by offer, and the priors the devices learn from. */
async function readDashboard(options: StatsOptions, place: Place) {
  const q = statsQuery((name) => place[name as keyof Place], options.sites)!;
  const [body, daily, priors, shares, catalog] = await Promise.all([
    readStats(options, q),
    options.store.daily(q.site, q.from, q.to),
    readPriors(options, q.site),
    readShareChecks(options, q),
    options.store.currentCatalog(q.site),
  ]);
  // The holdout's section, for a catalog that has one (its arms: personalized and baseline), or for data that came from one.
  const holdout = !!body.holdout?.baseline.reports || body.pending.some((p) => p.arm === 'baseline') || !!catalog?.arms.includes('baseline');
  return { body, offers: offerViews(body, daily), priors, shares, holdout };
}

/**
 * The merchant's dashboard: `GET /` (the page), `POST /login` and `POST /logout` (a session of
 * its own, never the token), `GET /export.csv` (the page's numbers). Routes are relative to
 * where it is mounted. Its forms are checked against cross-site posting (Origin and
 * Sec-Fetch-Site), their bodies bounded, and wrong tokens slow the guesser down.
 * @example
 * app.route('/dashboard', createDashboard({ store, auth: createAuth(token), k: 20, sites, sessions }))
 */
export function createDashboard(options: DashboardOptions): Hono {
  const app = new Hono();
  const { auth, sessions } = options;
  const signedIn = async (c: Context) => auth.hasBearer(c) || (await sessions.active(c));
  const sameOrigin = csrf({ origin: (origin, c) => origin === (options.publicUrl?.origin ?? new URL(c.req.url).origin) });
  const smallForm = bodyLimit({ maxSize: FORM_BYTES, onError: (c) => c.text(`The form is over ${FORM_BYTES} bytes.`, 413) });
  app.use(SAFE_HEADERS, async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/', async (c) => {
    const base = basePath(c);
    const { place, carried, errors } = readPlace((name) => c.req.query(name), options.sites);
    if (!(await signedIn(c))) return c.html(signInPage(base, carried, c.req.query('failed') === '1' ? 'That token is not right.' : undefined), 401);
    if (!place) return c.html(sitePage(base, carried, errors), errors.length ? 400 : 200);
    const { body, offers, priors, shares, holdout } = await readDashboard(options, place);
    return c.html(dashboardPage(base, place, body, offers, { priors, shares, now: Date.now() }, holdout));
  });

  app.post('/login', sameOrigin, smallForm, async (c) => {
    const base = basePath(c);
    const form = await c.req.parseBody();
    const { carried, errors } = readPlace(fromForm(form));
    if (errors.length) return c.html(signInPage(base, carried, errors.join(' ')), 400);
    const address = auth.clientAddress(c);
    const wait = auth.guesses.wait(address, Date.now());
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.html(signInPage(base, carried, `Too many wrong tokens: try again in ${wait} s.`), 429);
    }
    if (!auth.isToken(fromForm(form)('token') ?? '')) {
      auth.guesses.failed(address, Date.now());
      return c.redirect(placeHref(base, '', carried, { failed: '1' }), 303);
    }
    auth.guesses.succeeded(address, Date.now());
    await sessions.start(c);
    return c.redirect(placeHref(base, '', carried), 303);
  });

  app.post('/logout', sameOrigin, smallForm, async (c) => {
    const { carried } = readPlace(fromForm(await c.req.parseBody()));
    await sessions.end(c);
    return c.redirect(placeHref(basePath(c), '', carried), 303);
  });

  app.get('/export.csv', async (c) => {
    if (!(await signedIn(c))) return c.text('Sign in at the dashboard first.', 401);
    const { place, errors } = readPlace((name) => c.req.query(name), options.sites);
    if (!place) return c.text(errors.join('\n') || 'site: expected a site id', 400);
    const { body, offers, priors, shares } = await readDashboard(options, place);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="vitrine-${place.site}.csv"`);
    return c.body(offersCsv(offers, body.k, priors, shares));
  });
  return app;
}

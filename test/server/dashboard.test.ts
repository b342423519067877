import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createDashboard } from '../../server/dashboard';
import { CSV_COLUMNS } from '../../server/dashboard/csv';
import { chance, signedPct } from '../../server/dashboard/format';
import { createAuth } from '../../server/collector/auth';
import { createSessions, secureCookies } from '../../server/dashboard/session';
import type { StatsOptions } from '../../server/collector/stats-api';
import { compareCtr, holdoutStats } from '../../server/stats';
import { createSqliteStore } from '../../server/sqlite';
import type { CounterStore } from '../../server/store';
import type { Arm } from '../../src/protocol/decision';
import type { Report, ReportCell } from '../../src/protocol/report';
import { reportCell, report as aReport } from '../fixtures/report';
import { addNoise } from '../../src/protocol/noise';
import { generator } from '../../worker/random';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { createCatalogRegistry } from '../../server/collector/catalog-registry';
import { createPriorsPublisher } from '../../server/priors/publisher';
import { readSigningKey } from '../../server/signing-key';

const stores: CounterStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

const DAY = (d: number) => `2026-11-${String(20 + d).padStart(2, '0')}T00:00:00.000Z`;

const cell = (offer: string, variant: string, impressions: number, clicks: number, arm: Arm = 'personalized'): ReportCell => reportCell(offer, variant, arm, { impressions, clicks });

/** A report of catalog 2026-11-20.1 for the day `day` days after 20 November. */
const report = (cells: ReportCell[], day = 0, patch: Partial<Report> = {}): Report => aReport({ windowStart: DAY(day), catalog: '2026-11-20.1', cells, ...patch });

/** `count` copies of a report built by `make` (each with its own id). */
const times = (count: number, make: () => Report) => Array.from({ length: count }, make);

function dashboard(options: Partial<StatsOptions> = {}) {
  const store = createSqliteStore(':memory:');
  stores.push(store);
  const sessions = createSessions({ store, token: 'secret', secure: secureCookies(undefined) });
  const app = new Hono().route('/dashboard', createDashboard({ store, auth: createAuth('secret'), k: 3, sessions, ...options }));
  const get = (path: string, signedIn = true) => app.request(path, signedIn ? { headers: { Authorization: 'Bearer secret' } } : {});
  const post = (path: string, form: Record<string, string>) =>
    app.request(path, { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' } });
  return { store, app, get, post };
}

/** The `<tr>` of a table whose row header is `name`. */
function rowOf(page: string, name: string): string {
  const row = page.match(new RegExp(`<tr><th scope="row">${name}(?:<br>.*?)?</th>.*?</tr>`, 's'))?.[0];
  if (!row) throw new Error(`no row headed ${name}`);
  return row;
}

function expectSafeHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
}

async function expectPage(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  expectSafeHeaders(res);
  const page = await res.text();
  expect(page).not.toMatch(/<script/i);
  expect(page).toMatch(/^<!doctype html><html lang="en">/);
  expect(page.match(/<h1[ >]/g)).toHaveLength(1);
  return page;
}

describe('signing in', () => {
  it('answers 401 with a sign-in form that carries the site and range asked for', async () => {
    const d = dashboard();
    const page = await expectPage(await d.get('/dashboard?site=demo-shop&from=2026-11-01', false), 401);
    expect(page).toContain('<form method="post" action="/dashboard/login">');
    expect(page).toContain('<input type="hidden" name="site" value="demo-shop">');
    expect(page).toContain('<input type="hidden" name="from" value="2026-11-01">');
    expect(page).toMatch(/<label for="token">Access token<\/label>\s*<input id="token" name="token" type="password"/);
  });

  it('lands on the site asked for, with a session cookie that is not the token', async () => {
    const d = dashboard();
    const res = await d.post('/dashboard/login', { token: 'secret', site: 'demo-shop', from: '2026-11-01' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?site=demo-shop&from=2026-11-01');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^vitrine_session=[A-Za-z0-9_-]{43}; Max-Age=36000; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('secret');
    const page = await expectPage(await d.app.request(res.headers.get('location')!, { headers: { Cookie: cookie.split(';')[0]! } }), 200);
    expect(page).toContain('<h1>Offers on demo-shop</h1>');
  });

  it('sends a wrong token back to the form for the same site, saying so', async () => {
    const d = dashboard();
    const res = await d.post('/dashboard/login', { token: 'guess', site: 'demo-shop' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?site=demo-shop&failed=1');
    expect(res.headers.get('set-cookie')).toBeNull();
    const page = await expectPage(await d.get('/dashboard?site=demo-shop&failed=1', false), 401);
    expect(page).toContain('<p class="alert" role="alert">That token is not right.</p>');
    expect(page).toContain('name="site" value="demo-shop"');
  });

  it.each(['//evil.example', 'https://evil.example/', 'demo-shop\r\nSet-Cookie: x=1', '<script>alert(1)</script>', 'a'.repeat(65)])(
    'refuses a site that is not a site id, and redirects nowhere: %s',
    async (site) => {
      const d = dashboard();
      const res = await d.post('/dashboard/login', { token: 'secret', site });
      const page = await expectPage(res, 400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(page).toContain('site: expected a site id of 1 to 64 letters, digits');
      expect(page).not.toContain('evil.example');
      expect(page).not.toContain('alert(1)');
    },
  );

  it('refuses a range that is not a time', async () => {
    const d = dashboard();
    const res = await d.post('/dashboard/login', { token: 'secret', site: 'demo-shop', to: 'javascript:alert(1)' });
    expect(await expectPage(res, 400)).toContain('to: expected a day such as 2026-11-22');
    expect(res.headers.get('location')).toBeNull();
  });

  it('signs out, back to the sign-in form for the same site', async () => {
    const d = dashboard();
    const res = await d.post('/dashboard/logout', { site: 'demo-shop' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?site=demo-shop');
    expect(res.headers.get('set-cookie')).toMatch(/^vitrine_session=; Max-Age=0; Path=\//);
  });
});

describe('choosing the site', () => {
  it('shows the first configured site when none is asked for', async () => {
    const d = dashboard({ sites: ['demo-shop', 'other'] });
    expect(await expectPage(await d.get('/dashboard'), 200)).toContain('<h1>Offers on demo-shop</h1>');
  });

  it('asks for the site id in a labelled form when there is none', async () => {
    const d = dashboard();
    const page = await expectPage(await d.get('/dashboard'), 200);
    expect(page).toContain('<form method="get" action="/dashboard">');
    expect(page).toMatch(/<label for="site">Site id<\/label>[\s\S]*<input id="site" name="site" required/);
  });

  it('says what is wrong with a hostile site, escaped, and asks again', async () => {
    const d = dashboard({ sites: ['demo-shop'] });
    const page = await expectPage(await d.get(`/dashboard?site=${encodeURIComponent('"><script>alert(1)</script>')}`), 400);
    expect(page).toContain('site: expected a site id');
    expect(page).not.toContain('alert(1)');
    expect(page).toContain('value=""');
  });
});

describe('the page', () => {
  /** trail-10: default and b over two full days and a thin third; holdout arms; socks under k. */
  async function filled(options: Partial<StatsOptions> = {}) {
    const d = dashboard(options);
    const both = (day: number, arm: Arm, clicksB: number) => report([cell('trail-10', 'default', 10, 1, arm), cell('trail-10', 'b', 10, clicksB, arm)], day);
    await d.store.commit(
      [
        ...times(4, () => both(0, 'personalized', 3)),
        ...times(3, () => both(1, 'personalized', 2)),
        ...times(1, () => both(2, 'personalized', 2)),
        ...times(3, () => both(0, 'baseline', 1)),
        ...times(2, () => report([cell('socks', 'default', 2, 1)], 1)),
      ],
      Date.now(),
    );
    return d;
  }

  it('charts each variant per day, with a text alternative and the numbers in a table', async () => {
    const d = await filled();
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    // Day 0: personalized 4 reports × 10 impressions, 12 clicks, + baseline 3 × 10, 3 clicks; day 1: 3 × 10, 6; day 2 under k.
    expect(page).toContain(
      'role="img" aria-label="Daily click-through rate of trail-10, variant b, 2026-11-20 to 2026-11-22; 2 days shown, lowest 20.00% on 2026-11-21, highest 21.43% on 2026-11-20; 1 day has fewer than 3 reports."',
    );
    expect(page).toContain('<caption>Daily figures of trail-10, variant b</caption>');
    expect(page).toContain('<tr><th scope="row">2026-11-20</th><td>70</td><td>15</td><td>21.43%</td></tr>');
    expect(page).toContain('<tr><th scope="row">2026-11-21</th><td>30</td><td>6</td><td>20.00%</td></tr>');
    expect(page).toContain('<tr><th scope="row">2026-11-22</th><td colspan="3" class="pending">1 of 3 reports so far</td></tr>');
  });

  it('sets content variants beside the default, with the chance to beat it and the 95% interval', async () => {
    const d = await filled();
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    // Cells with ≥ 3 reports: personalized (8 reports: 80 impressions; b 20 clicks, default 8) and baseline (3: 30; b 3, default 3).
    const vs = compareCtr({ impressions: 110, clicks: 23, noiseVariance: 0 }, { impressions: 110, clicks: 11, noiseVariance: 0 });
    expect(vs.chanceToBeat).toBeGreaterThan(0.97);
    const trail = page.slice(page.indexOf('<caption>Content variants of trail-10'));
    const b = rowOf(trail, 'b');
    expect(b).toContain(`<td>${chance(vs.chanceToBeat)}</td>`);
    expect(b).toContain(`${signedPct(vs.uplift!)} <small>(${signedPct(vs.ci95![0])} to ${signedPct(vs.ci95![1])})</small>`);
    // 23 clicks against 11 on 110 impressions each: likely better, but the interval, which counts
    // the default's own uncertainty, still holds 0, so the difference is not called yet.
    expect(vs.ci95![0]).toBeLessThan(0);
    expect(b).toContain('<td class="reading">No clear difference yet</td>');
    expect(rowOf(trail, 'default')).toContain('the default: what the others are compared with');
    expect(page).toContain('<caption>Content variants of trail-10 against its default</caption>');
  });

  it('gives the holdout its uplift, its chance to beat, and the sample-ratio warning', async () => {
    const d = await filled({ holdoutShare: async () => 0.5 });
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    expect(page).toContain('<caption>Personalized ranking against the baseline (the holdout)</caption>');
    expect(page).toContain('<dt>Chance personalized beats baseline</dt>');
    expect(page).toMatch(/<dt>CTR uplift of personalized over baseline <small>\(95% interval\)<\/small><\/dt>\s*<dd><strong>[+−]\d+\.\d%<\/strong> \([+−]?\d+\.\d% to [+−]?\d+\.\d%\)<\/dd>/);
    const rows = (await d.store.stats('demo-shop', 0, Infinity)).filter((r) => r.reports >= 3);
    const h = holdoutStats(rows, 0.5)!;
    expect(page).toContain(`<dd><strong>${chance(h.chanceToBeat!)}</strong></dd>`);
    // 8 personalized reports against 3 baseline under a 50/50 split is not (yet) a mismatch.
    expect(page).not.toContain('Sample-ratio mismatch');
    const skewed = dashboard({ holdoutShare: async () => 0.5 });
    await skewed.store.commit([...times(60, () => report([cell('o', 'default', 5, 1)])), ...times(10, () => report([cell('o', 'default', 5, 1, 'baseline')]))], Date.now());
    expect(await expectPage(await skewed.get('/dashboard?site=demo-shop'), 200)).toMatch(
      /<p class="warn" role="alert">Sample-ratio mismatch: 85\.71% of reports come from the personalized arm, where 50\.00% was configured/,
    );
  });

  it('shows the holdout’s section only for a catalog with a holdout (or reports from one)', async () => {
    const d = dashboard();
    await d.store.commit(
      times(3, () => report([cell('socks', 'default', 2, 1)])),
      Date.now(),
    );
    const holdoutless = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    expect(holdoutless).not.toContain('Personalization against the baseline');
    await d.store.registerCatalog({ site: 'demo-shop', version: '2026-11-20.1', cells: [['socks', 'default']], arms: ['personalized', 'baseline', 'contextual'] }, Date.now());
    expect(await expectPage(await d.get('/dashboard?site=demo-shop'), 200)).toContain('<h2 id="holdout">Personalization against the baseline</h2>');
    expect(await expectPage(await (await filled()).get('/dashboard?site=demo-shop'), 200)).toContain('<h2 id="holdout">');
  });

  it('counts one report as one, not "1 reports"', async () => {
    const d = dashboard({ k: 1 });
    await d.store.commit([report([cell('socks', 'default', 2, 1)])], Date.now());
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    expect(page).toContain('A number is shown once at least 1 report contributed to it');
    expect(page).not.toContain('1 reports');
  });

  it('keeps a row under k, saying how many reports it has so far, with no numbers', async () => {
    const d = await filled();
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    const socks = page.slice(page.indexOf('<caption>Content variants of socks'));
    const row = rowOf(socks, 'default');
    expect(row).toBe('<tr><th scope="row">default</th><td colspan="10" class="pending">2 of 3 reports so far</td></tr>');
    expect(socks).toContain('No day has 3 reports yet: no daily chart.');
  });

  it('shows noisy totals with ± their 95% interval', async () => {
    const d = dashboard();
    const random = generator(42);
    await d.store.commit(
      times(30, () => addNoise(report([cell('trail-10', 'default', 3, 1)]), 1, random)),
      Date.now(),
    );
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    expect(page).toContain('Some reports carry local noise');
    expect(rowOf(page, 'default')).toMatch(/<td>-?[\d,]+ <small>± [\d,]+<\/small><\/td>/);
  });

  it('escapes hostile ids everywhere, the chart and its label included', async () => {
    const d = dashboard();
    const hostile = '<script>alert(1)</script>';
    const quote = '"><img src=x onerror=alert(2)>';
    await d.store.commit(
      times(3, () => report([cell(hostile, 'default', 10, 1), cell(hostile, quote, 10, 2)])),
      Date.now(),
    );
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    expect(page).not.toContain(hostile);
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('aria-label="Daily click-through rate of &lt;script&gt;alert(1)&lt;/script&gt;, variant &quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('links the CSV of the same place and offers to sign out', async () => {
    const d = await filled();
    const page = await expectPage(await d.get('/dashboard?site=demo-shop&from=2026-11-20&to=2026-11-22'), 200);
    expect(page).toContain('<a href="/dashboard/export.csv?site=demo-shop&amp;from=2026-11-20&amp;to=2026-11-22" download>');
    expect(page).toMatch(/<form class="inline" method="post" action="\/dashboard\/logout"><input type="hidden" name="site" value="demo-shop">/);
    // The range applies: day 2 is outside it.
    expect(page).not.toContain('2026-11-22</th>');
  });
});

describe('GET /dashboard/export.csv', () => {
  it('asks for the sign-in', async () => {
    const d = dashboard();
    const res = await d.get('/dashboard/export.csv?site=demo-shop', false);
    expect(res.status).toBe(401);
    expectSafeHeaders(res);
  });

  it("shows what the devices learn: the priors' version and age, each variant's learned CTR and chance to be best, and its share of impressions per day", async () => {
    const d = dashboard();
    const keyText = readFileSync(join(process.cwd(), 'demo', 'demo-priors-key.jwk'), 'utf8');
    const { kty, crv, x, y } = JSON.parse(keyText) as JsonWebKey;
    const catalog = validateCatalog({
      version: '2026-11-20.1',
      siteId: 'demo-shop',
      learning: { priorsKey: { kty, crv, x, y }, variants: true },
      offers: [{ id: 'trail-10', slot: 'hero', content: { title: 'Trail' }, variants: [{ id: 'b', weight: 50, content: {} }] }],
    });
    await createCatalogRegistry(d.store).register(catalog);
    // Two days: b gets most impressions on the second (as the devices' draws gave them), and more clicks throughout.
    await d.store.commit(
      [
        ...times(3, () => report([cell('trail-10', 'default', 40, 1), cell('trail-10', 'b', 40, 4)], 0)),
        ...times(3, () => report([cell('trail-10', 'default', 10, 0), cell('trail-10', 'b', 40, 5)], 1)),
      ],
      Date.now(),
    );
    // Computed as the second day began: from the first day's reports, in force through the second.
    const now = Date.parse(DAY(1));
    const made = await createPriorsPublisher({ store: d.store, k: 3, key: await readSigningKey(keyText), now: () => now }).current('demo-shop');
    expect(made.ok).toBe(true);
    const page = await expectPage(await d.get('/dashboard?site=demo-shop'), 200);
    expect(page).toMatch(new RegExp(`priors version <strong>${new Date(now).toISOString()}</strong> for catalog 2026-11-20.1, computed \\d+ h ago`));
    const learned = page.slice(page.indexOf('<caption>What the devices learn about trail-10'));
    // b: 27 clicks of 240 impressions; default: 3 of 150 (each day a period, weighted by the slot's traffic).
    const b = rowOf(learned, 'b');
    expect(b).toMatch(/<td>\d+\.\d\d% <small>\(\d+\.\d\d% to \d+\.\d\d%\)<\/small><\/td>/);
    expect(b).toMatch(/<td>9\d\.\d%<\/td>/);
    expect(b).toContain('<td>its own reports</td>');
    expect(page).toContain('aria-label="Share of trail-10&#39;s impressions per day, 2026-11-20 to 2026-11-21; on 2026-11-21: default 20.0%, b 80.0%."');
    // The priors made b all but the sure winner (10% against 2.5% on the first day), so the
    // devices should have shown default about 1% of the time on the second: 20% is a mismatch.
    const shares = page.slice(page.indexOf("<caption>Shares of trail-10's impressions: observed against what the priors implied"));
    expect(rowOf(shares, '2026-11-21')).toMatch(/<td>default 20\.0%, b 80\.0%<\/td><td>default \d\.\d%, b 9\d\.\d%<\/td>\s*<td class="reading worse">&lt; 0\.0001<\/td>/);
    expect(shares).toContain('role="alert">Sample-ratio mismatch in 1 of these windows');
    const csv = (await (await d.get('/dashboard/export.csv?site=demo-shop')).text()).split('\r\n');
    const bRow = csv.find((l) => l.startsWith('trail-10,b,'))!.split(',');
    const col = (name: (typeof CSV_COLUMNS)[number]) => bRow[CSV_COLUMNS.indexOf(name)];
    expect(col('priors_version')).toBe(new Date(now).toISOString());
    expect(Number(col('share_of_offer_impressions'))).toBeCloseTo(240 / 390, 6);
    expect(Number(col('chance_best'))).toBeGreaterThan(0.95);
    expect(col('learned_from')).toBe('own');
    expect(col('last_checked_window')).toBe('2026-11-21T00:00:00.000Z');
    expect(Number(col('window_share_observed'))).toBeCloseTo(0.8, 6);
    expect(Number(col('window_share_p'))).toBeLessThan(0.001);
  });

  it('downloads the numbers of the page: a header row, one row per variant, rows under k without numbers', async () => {
    const d = dashboard();
    await d.store.commit([...times(3, () => report([cell('trail-10', 'default', 10, 1), cell('trail-10', 'b', 10, 3)])), ...times(2, () => report([cell('socks', 'default', 2, 1)]))], Date.now());
    const res = await d.get('/dashboard/export.csv?site=demo-shop');
    expect(res.status).toBe(200);
    expectSafeHeaders(res);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="vitrine-demo-shop.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const vs = compareCtr({ impressions: 30, clicks: 9, noiseVariance: 0 }, { impressions: 30, clicks: 3, noiseVariance: 0 });
    const round = (x: number) => String(Number(x.toFixed(6)));
    // No priors for this site: the learning columns stay empty; the share is of the offer's impressions.
    expect(lines.slice(1)).toEqual([
      'socks,default,,,,,,,,,,,,,,,,2 of 3 reports so far,,,,,,,,,,,',
      'trail-10,default,3,30,,3,,0.1,,,,,0,,0,0,,,0.5,,,,,,,,,,',
      `trail-10,b,3,30,,9,,0.3,${round(vs.uplift!)},${round(vs.ci95![0])},${round(vs.ci95![1])},${round(vs.chanceToBeat)},0,,0,0,,,0.5,,,,,,,,,,`,
      '',
    ]);
  });

  it('keeps spreadsheet formulas as text', async () => {
    const d = dashboard();
    await d.store.commit(
      times(3, () => report([cell('=HYPERLINK("http://x.example","y")', 'default', 1, 0), cell('@SUM(A1)', '+1', 1, 0), cell('-2+3', 'default', 1, 0)])),
      Date.now(),
    );
    const csv = await (await d.get('/dashboard/export.csv?site=demo-shop')).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://x.example"",""y"")",default,3,`);
    expect(csv).toContain(`'@SUM(A1),'+1,3,`);
    expect(csv).toContain(`'-2+3,default,3,`);
    expect(csv).not.toMatch(/(^|[\r\n,])[=+\-@][^\d]/);
  });
});

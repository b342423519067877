import { html } from 'hono/html';
import type { PendingCell, StatsBody } from '../collector/stats-api';
import { DEFAULT_VARIANT } from '../../src/protocol/catalog';
import type { Comparison, HoldoutStats } from '../stats';
import { dailyChart, dailyScale, shareChart } from './charts';
import type { ArmBelief, PriorsSummary } from '../priors/summary';
import type { ShareCheck } from '../priors/shares';
import { chance, count, estimate, money, pct, reportsWord, signedPct, soFar, verdict } from './format';
import { page, placeFields } from './layout';
import { placeHref, type Place } from './place';
import type { OfferView, VariantView } from './view';
import { SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS } from '../../src/protocol/time';
import { HOLDOUT_ARMS } from '../../src/protocol/decision';

const VERDICT_TEXT = { better: 'Better', worse: 'Worse', unclear: 'No clear difference yet' } as const;

/** The interval, chance and reading of a comparison, as three cells. */
function comparisonCells(c: Comparison) {
  const reading = verdict(c.chanceToBeat, c.ci95);
  return html`<td>${c.uplift === null || !c.ci95 ? 'no clicks on the default yet' : html`${signedPct(c.uplift)} <small>(${signedPct(c.ci95[0])} to ${signedPct(c.ci95[1])})</small>`}</td>
<td>${chance(c.chanceToBeat)}</td><td class="reading${reading === 'unclear' ? '' : ` ${reading}`}">${VERDICT_TEXT[reading]}</td>`;
}

function variantRow(v: VariantView, k: number, hasDefault: boolean) {
  const more = v.stats && v.pending !== null ? html`<br><small>and a group with ${soFar(v.pending, k)}</small>` : '';
  const head = html`<th scope="row">${v.variant}${more}</th>`;
  if (!v.stats) return html`<tr>${head}<td colspan="10" class="pending">${soFar(v.pending ?? 0, k)}</td></tr>`;
  const o = v.stats;
  const vs = o.vsDefault
    ? comparisonCells(o.vsDefault)
    : html`<td colspan="3" class="pending">${o.variant === DEFAULT_VARIANT ? 'the default: what the others are compared with' : hasDefault ? 'the default has too few reports yet' : 'no default content to compare with'}</td>`;
  return html`<tr>${head}<td>${count(o.reports)}</td><td>${estimate(o, 'impressions')}</td><td>${estimate(o, 'clicks')}</td><td>${pct(o.ctr)}</td>
${vs}<td>${estimate(o, 'conversions')}</td><td>${pct(o.conversionRate)}</td><td>${estimate(o, 'revenue', money)}</td></tr>`;
}

const BASIS_TEXT = { own: 'its own reports', offer: 'its offer (too few of its own)', slot: 'its slot (too few of its own)', none: 'nothing yet' } as const;

/** What the devices learn about an offer's variants from the current priors. */
function priorsTable(o: OfferView, beliefs: ArmBelief[]) {
  if (!beliefs.length) return '';
  return html`<table><caption>What the devices learn about ${o.offer} (the current priors)</caption>
<thead><tr><th scope="col">Variant</th><th scope="col">Learned CTR <small>(95% interval)</small></th><th scope="col">Chance to be best</th><th scope="col">Learned from</th></tr></thead>
<tbody>${beliefs.map(
    (b) => html`<tr><th scope="row">${b.variant}</th><td>${pct(b.mean)} <small>(${pct(b.ci95[0])} to ${pct(b.ci95[1])})</small></td>
<td>${b.chanceBest === null ? 'one variant' : chance(b.chanceBest)}</td><td>${BASIS_TEXT[b.basis]}</td></tr>`,
  )}</tbody></table>`;
}

/** What the page shows of learning: the current priors, the share checks, and when the page is made. */
export interface Learning {
  priors: PriorsSummary | null;
  shares: ShareCheck[];
  now: number;
}

/** Shown per offer: the share checks of its last windows. */
const SHARE_WINDOWS = 7;

const windowLabel = (c: ShareCheck) => {
  const start = new Date(c.windowStart).toISOString();
  return c.windowMs % DAY_MS === 0 ? start.slice(0, 10) : `${start.slice(0, 16).replace('T', ' ')} UTC`;
};

/** The learned variants' shares of impressions per window against what the priors implied (the sample-ratio check of learning). */
function sharesTable(o: OfferView, checks: ShareCheck[]) {
  if (!checks.length) return '';
  const shown = checks.slice(-SHARE_WINDOWS);
  const mismatched = shown.filter((c) => c.warning);
  return html`<table><caption>Shares of ${o.offer}'s impressions: observed against what the priors implied, per report window</caption>
<thead><tr><th scope="col">Window</th><th scope="col">Impressions</th><th scope="col">Observed shares</th><th scope="col">Implied by the priors</th><th scope="col">p</th></tr></thead>
<tbody>${shown.map(
    (c) => html`<tr><th scope="row">${windowLabel(c)}</th><td>${count(c.impressions)}</td>
<td>${c.variants.map((v, i) => `${v} ${pct(c.observed[i]!, 1)}`).join(', ')}</td><td>${c.variants.map((v, i) => `${v} ${pct(c.implied[i]!, 1)}`).join(', ')}</td>
<td class="${c.warning ? 'reading worse' : ''}">${c.pValue < 0.0001 ? '< 0.0001' : c.pValue.toFixed(4)}</td></tr>`,
  )}</tbody></table>
${mismatched.length ? html`<p class="warn" role="alert">Sample-ratio mismatch in ${mismatched.length} of these windows (p &lt; 0.001): the devices did not show ${o.offer}'s variants as the priors say they would. Devices on stale priors, a cache in front of /v1/priors, or a page that renders a variant itself can cause it. The test counts impressions, not devices, so it errs toward alarms.</p>` : ''}`;
}

function offerSection(o: OfferView, k: number, beliefs: ArmBelief[], shares: ShareCheck[]) {
  const hasDefault = o.variants.some((v) => v.variant === DEFAULT_VARIANT);
  const charted = o.variants.filter((v) => v.daily.some((d) => d.stats));
  const scale = dailyScale(charted);
  return html`<h3>${o.offer}</h3>
<table><caption>Content variants of ${o.offer} against its default</caption>
<thead><tr><th scope="col">Variant</th><th scope="col">Reports</th><th scope="col">Impressions</th><th scope="col">Clicks</th><th scope="col">CTR</th>
<th scope="col">CTR against default <small>(95% interval)</small></th><th scope="col">Chance to beat default</th><th scope="col">Reading</th>
<th scope="col">Conversions</th><th scope="col">Conversion rate</th><th scope="col">Revenue</th></tr></thead>
<tbody>${o.variants.map((v) => variantRow(v, k, hasDefault))}</tbody></table>
${priorsTable(o, beliefs)}
${sharesTable(o, shares)}
${charted.length ? html`<div class="charts">${shareChart(o)}${charted.map((v) => dailyChart(v, k, scale))}</div>` : html`<p class="muted">No day has ${reportsWord(k)} yet: no daily chart.</p>`}`;
}

const minutes = (ms: number) => (ms < 2 * MINUTE_MS ? `${Math.max(0, Math.round(ms / SECOND_MS))} s` : ms < 2 * HOUR_MS ? `${Math.round(ms / MINUTE_MS)} min` : `${Math.round(ms / HOUR_MS)} h`);

/** The priors the devices learn from: which, for which catalog, and how old. */
function priorsSection(priors: PriorsSummary | null, now: number) {
  if (!priors) return html`<p>No learned priors for this site: its catalog does not learn, or none were computed yet (README, "Offers that learn").</p>`;
  const stale = now >= priors.validUntil;
  return html`<p>The devices learn from priors version <strong>${priors.version}</strong> for catalog ${priors.catalog}, computed ${minutes(now - priors.computedAt)} ago${stale ? html`; <strong class="warn">past their validUntil (${new Date(priors.validUntil).toISOString()}): devices no longer use them</strong>` : ''}. Per offer below, each variant's learned CTR and its chance to be the best of the offer's variants, as the devices' draws see them.</p>`;
}

function holdoutSection(h: HoldoutStats | null, pending: PendingCell[], k: number) {
  const under = (arm: 'personalized' | 'baseline') => Math.max(0, ...pending.filter((p) => p.arm === arm).map((p) => p.reports));
  if (!h) {
    const so = Math.max(under('personalized'), under('baseline'));
    return html`<p>${so ? `The holdout has ${soFar(so, k)}.` : 'No personalization holdout in the data.'}</p>`;
  }
  const arms = HOLDOUT_ARMS.map((a) =>
    h[a].reports
      ? html`<tr><th scope="row">${a}</th><td>${count(h[a].reports)}</td><td>${count(h[a].impressions)}</td><td>${count(h[a].clicks)}</td><td>${pct(h[a].ctr)}</td></tr>`
      : html`<tr><th scope="row">${a}</th><td colspan="4" class="pending">${soFar(under(a), k)}</td></tr>`,
  );
  const reading = h.chanceToBeat === null ? 'unclear' : verdict(h.chanceToBeat, h.ci95);
  return html`<table><caption>Personalized ranking against the baseline (the holdout)</caption>
<thead><tr><th scope="col">Arm</th><th scope="col">Devices' reports</th><th scope="col">Impressions</th><th scope="col">Clicks</th><th scope="col">CTR</th></tr></thead>
<tbody>${arms}</tbody></table>
<dl class="figures">
<dt>CTR uplift of personalized over baseline <small>(95% interval)</small></dt>
<dd>${h.uplift === null || !h.ci95 ? 'not enough data yet' : html`<strong>${signedPct(h.uplift)}</strong> (${signedPct(h.ci95[0])} to ${signedPct(h.ci95[1])})`}</dd>
<dt>Chance personalized beats baseline</dt><dd>${h.chanceToBeat === null ? 'not enough data yet' : html`<strong>${chance(h.chanceToBeat)}</strong>`}</dd>
<dt>Reading</dt><dd class="${reading === 'unclear' ? '' : reading}">${VERDICT_TEXT[reading]}</dd>
</dl>
${h.srm?.warning ? html`<p class="warn" role="alert">Sample-ratio mismatch: ${pct(h.srm.observedShare)} of reports come from the personalized arm, where ${pct(h.srm.expectedShare)} was configured (p = ${h.srm.pValue.toExponential(1)}). The comparison may be biased.</p>` : ''}`;
}

const period = (place: Place) =>
  place.from || place.to ? `Report windows starting ${place.from ? `from ${place.from}` : ''}${place.from && place.to ? ' ' : ''}${place.to ? `before ${place.to}` : ''}` : 'All report windows';

/**
 * The dashboard of one site: per offer, its content variants against the default with daily
 * charts, what the devices learn of them and the share of impressions each got; the
 * personalization holdout; a CSV of the same numbers. No script; every value escaped.
 * @param base the dashboard's path
 * @param learning the site's current priors (summed up; null without), the share checks per window, and the time, for the priors' age
 * @param holdout whether to show the personalization holdout: the site's catalog has one, or reports came from one
 */
export function dashboardPage(base: string, place: Place, body: StatsBody, offers: OfferView[], learning: Learning = { priors: null, shares: [], now: Date.now() }, holdout = true) {
  const { priors, now } = learning;
  const beliefsOf = (offer: string) => priors?.arms.filter((a) => a.offer === offer) ?? [];
  const sharesOf = (offer: string) => learning.shares.filter((c) => c.offer === offer);
  const noisy = body.offers.some((o) => o.noisyReports > 0);
  return page(
    `Vitrine dashboard: ${body.site}`,
    html`<header class="top"><p>Vitrine</p><nav aria-label="Dashboard">
<a href="${placeHref(base, '/export.csv', place)}" download>Download these numbers (CSV)</a>
<form class="inline" method="post" action="${base}/logout">${placeFields(place)}<button type="submit">Sign out</button></form>
</nav></header>
<main><h1>Offers on ${body.site}</h1>
<p class="lede">${period(place)}. Aggregates only, from consented reports. A number is shown once at least ${reportsWord(body.k)} contributed to it; until then its row says how many have arrived (${body.withheld} ${body.withheld === 1 ? 'group is' : 'groups are'} still under ${body.k}).</p>
<section aria-labelledby="offers"><h2 id="offers">Offers and their content variants</h2>
<p class="hint"><strong>CTR against default</strong>: how much higher or lower the click-through rate is than the offer's default content, with the range that holds the true difference 95 times out of 100. <strong>Chance to beat default</strong>: the probability, given the clicks so far, that this content's true CTR is higher than the default's. A difference is called only when both agree.</p>
${noisy ? html`<p class="hint">Some reports carry local noise: their totals are estimates, shown with ± the half-width of a 95% confidence interval.</p>` : ''}
${offers.length ? offers.map((o) => offerSection(o, body.k, beliefsOf(o.offer), sharesOf(o.offer))) : html`<p>No reports for this site and period yet.</p>`}
</section>
<section aria-labelledby="learning"><h2 id="learning">What the devices learn</h2>
${priorsSection(priors, now)}
</section>
${
  holdout
    ? html`<section aria-labelledby="holdout"><h2 id="holdout">Personalization against the baseline</h2>
${holdoutSection(body.holdout, body.pending, body.k)}
</section>`
    : ''
}</main>`,
  );
}

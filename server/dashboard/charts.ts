import { html } from 'hono/html';
import { estimate, pct, soFar } from './format';
import type { OfferView, VariantView } from './view';

const WIDTH = 340;
const HEIGHT = 160;
const PLOT = { left: 46, right: 8, top: 12, bottom: 30 } as const;

/** The highest daily CTR shown among some variants: one scale for an offer's charts, so they compare at a glance. */
export function dailyScale(variants: VariantView[]): number {
  return Math.max(0.001, ...variants.flatMap((v) => v.daily.map((d) => d.stats?.ctr ?? 0)));
}

/** What the chart says, in one sentence, for those who cannot see it. */
function summary(v: VariantView, k: number): string {
  const shown = v.daily.filter((d) => d.stats);
  const under = v.daily.filter((d) => !d.stats && d.pending !== null).length;
  const first = v.daily[0]?.day;
  const last = v.daily.at(-1)?.day;
  const parts = [`Daily click-through rate of ${v.offer}, variant ${v.variant}, ${first === last ? first : `${first} to ${last}`}`];
  if (shown.length) {
    const low = shown.reduce((a, b) => (b.stats!.ctr < a.stats!.ctr ? b : a));
    const high = shown.reduce((a, b) => (b.stats!.ctr > a.stats!.ctr ? b : a));
    parts.push(
      shown.length === 1 ? `${pct(high.stats!.ctr)} on ${high.day}` : `${shown.length} days shown, lowest ${pct(low.stats!.ctr)} on ${low.day}, highest ${pct(high.stats!.ctr)} on ${high.day}`,
    );
  }
  if (under) parts.push(`${under} ${under === 1 ? 'day has' : 'days have'} fewer than ${k} reports`);
  return `${parts.join('; ')}.`;
}

/**
 * A content variant's daily CTR as an SVG bar chart, with a text alternative (role="img" and a
 * summary), and every number in a table under a disclosure. A day under k is a grey stub with no value.
 * @param scale the top of the CTR axis (`dailyScale` of the offer)
 */
export function dailyChart(v: VariantView, k: number, scale: number) {
  const w = WIDTH - PLOT.left - PLOT.right;
  const h = HEIGHT - PLOT.top - PLOT.bottom;
  const band = w / Math.max(1, v.daily.length);
  const bar = Math.max(1, Math.min(28, band * 0.7));
  const x = (i: number) => PLOT.left + i * band + (band - bar) / 2;
  const base = PLOT.top + h;
  const ticks = v.daily.length > 2 ? [0, Math.floor((v.daily.length - 1) / 2), v.daily.length - 1] : v.daily.map((_, i) => i);
  return html`<figure>
<figcaption>${v.offer} · ${v.variant} <small>daily CTR</small></figcaption>
<svg role="img" aria-label="${summary(v, k)}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<line class="grid" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${PLOT.top}" y2="${PLOT.top}"></line>
<text x="${PLOT.left - 4}" y="${PLOT.top + 4}" text-anchor="end">${pct(scale, 1)}</text>
<text x="${PLOT.left - 4}" y="${base + 4}" text-anchor="end">0%</text>
${v.daily.map((d, i) =>
  d.stats
    ? html`<rect class="bar" x="${x(i).toFixed(1)}" y="${(base - (d.stats.ctr / scale) * h).toFixed(1)}" width="${bar.toFixed(1)}" height="${((d.stats.ctr / scale) * h).toFixed(1)}"></rect>`
    : d.pending !== null
      ? html`<rect class="pending" x="${x(i).toFixed(1)}" y="${base - 3}" width="${bar.toFixed(1)}" height="3"></rect>`
      : '',
)}
<line class="axis" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${base}" y2="${base}"></line>
${ticks.map((i) => html`<text x="${(PLOT.left + (i + 0.5) * band).toFixed(1)}" y="${base + 16}" text-anchor="middle">${v.daily[i]!.day.slice(5)}</text>`)}
</svg>
${v.daily.some((d) => !d.stats && d.pending !== null) ? html`<p class="legend">A grey stub marks a day with fewer than ${k} reports: no value shown.</p>` : ''}
<details><summary>Daily figures <span class="muted">(${v.offer} · ${v.variant})</span></summary>
<table><caption>Daily figures of ${v.offer}, variant ${v.variant}</caption>
<thead><tr><th scope="col">Day (UTC)</th><th scope="col">Impressions</th><th scope="col">Clicks</th><th scope="col">CTR</th></tr></thead>
<tbody>${v.daily.map(
    (d) =>
      html`<tr><th scope="row">${d.day}</th>${
        d.stats
          ? html`<td>${estimate(d.stats, 'impressions')}</td><td>${estimate(d.stats, 'clicks')}</td><td>${pct(d.stats.ctr)}</td>`
          : html`<td colspan="3" class="pending">${d.pending === null ? 'no reports' : soFar(d.pending, k)}</td>`
      }</tr>`,
  )}</tbody></table></details>
</figure>`;
}

const LINE_DASHES = ['', '6 3', '2 3', '8 3 2 3'];

/** Per day on which every variant of the offer may be shown: each one's share of the offer's impressions. */
export function dailyShares(o: OfferView): { day: string; shares: number[] }[] {
  const days = o.variants[0]?.daily.map((d) => d.day) ?? [];
  return days.flatMap((day, i) => {
    const impressions = o.variants.map((v) => v.daily[i]?.stats?.impressions);
    if (impressions.some((n) => n === undefined)) return [];
    const total = impressions.reduce((a, b) => a! + b!, 0)!;
    return total > 0 ? [{ day, shares: impressions.map((n) => Math.max(0, n!) / total) }] : [];
  });
}

/**
 * The share of an offer's impressions each content variant got per day (what the devices'
 * draws gave it), as an SVG line chart with a text alternative and the numbers in a table.
 * Only days on which every variant has k reports count.
 * @returns the figure, or an empty string for an offer with one variant or no such day
 */
export function shareChart(o: OfferView) {
  const days = dailyShares(o);
  if (o.variants.length < 2 || days.length === 0) return '';
  const w = WIDTH - PLOT.left - PLOT.right;
  const h = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (i: number) => PLOT.left + (days.length === 1 ? w / 2 : (i * w) / (days.length - 1));
  const y = (share: number) => PLOT.top + h - share * h;
  const base = PLOT.top + h;
  const last = days.at(-1)!;
  const label = `Share of ${o.offer}'s impressions per day, ${days[0]!.day} to ${last.day}; on ${last.day}: ${o.variants.map((v, i) => `${v.variant} ${pct(last.shares[i]!, 1)}`).join(', ')}.`;
  return html`<figure>
<figcaption>${o.offer} <small>share of impressions per variant</small></figcaption>
<svg role="img" aria-label="${label}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<line class="grid" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${PLOT.top}" y2="${PLOT.top}"></line>
<text x="${PLOT.left - 4}" y="${PLOT.top + 4}" text-anchor="end">100%</text>
<text x="${PLOT.left - 4}" y="${base + 4}" text-anchor="end">0%</text>
${o.variants.map(
  (
    v,
    i,
  ) => html`<polyline class="share" fill="none" stroke-dasharray="${LINE_DASHES[i % LINE_DASHES.length]}" points="${days.map((d, j) => `${x(j).toFixed(1)},${y(d.shares[i]!).toFixed(1)}`).join(' ')}"></polyline>
<text x="${(x(days.length - 1) - 2).toFixed(1)}" y="${(y(last.shares[i]!) - 3).toFixed(1)}" text-anchor="end">${v.variant}</text>`,
)}
<line class="axis" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${base}" y2="${base}"></line>
<text x="${PLOT.left}" y="${base + 16}">${days[0]!.day.slice(5)}</text><text x="${WIDTH - PLOT.right}" y="${base + 16}" text-anchor="end">${last.day.slice(5)}</text>
</svg>
<details><summary>Daily shares <span class="muted">(${o.offer})</span></summary>
<table><caption>Share of ${o.offer}'s impressions per variant and day</caption>
<thead><tr><th scope="col">Day (UTC)</th>${o.variants.map((v) => html`<th scope="col">${v.variant}</th>`)}</tr></thead>
<tbody>${days.map((d) => html`<tr><th scope="row">${d.day}</th>${d.shares.map((sh) => html`<td>${pct(sh, 1)}</td>`)}</tr>`)}</tbody></table></details>
</figure>`;
}

/**
 * The closed loop's chart: cumulative clicks per day of each policy, as an SVG with a text
 * alternative (its title and description, and the numbers in bench/RESULTS.md).
 */

/** One line of the chart. */
export interface Series {
  name: string;
  /** Cumulative clicks at the end of each day. */
  values: number[];
}

const COLORS = ['#1b1b1b', '#b3b3b3', '#8c6d1f', '#2f6db5', '#c2410c', '#15803d', '#7c3aed', '#be185d'];
const DASHES = ['', '6 4', '2 3', '', '', '8 3 2 3', '4 2', '1 2'];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Draws the chart.
 * @param title what it shows, for its title and heading
 * @param series the lines, in legend order
 * @returns the SVG document
 */
export function cumulativeChart(title: string, series: readonly Series[]): string {
  const [width, height] = [760, 420];
  const plot = { left: 70, right: 300, top: 40, bottom: 360 };
  const days = Math.max(...series.map((s) => s.values.length));
  const top = Math.max(...series.flatMap((s) => s.values));
  const step = 10 ** Math.floor(Math.log10(top || 1));
  const max = Math.ceil(top / step) * step;
  const x = (day: number) => plot.left + ((plot.right - plot.left + 160) * day) / days;
  const y = (value: number) => plot.bottom - ((plot.bottom - plot.top) * value) / max;
  const last = (s: Series) => s.values[s.values.length - 1] ?? 0;
  const desc = series.map((s) => `${s.name}: ${Math.round(last(s)).toLocaleString('en-US')} clicks after ${s.values.length} days`).join('; ');
  const ticks = Array.from({ length: 5 }, (_, i) => (max * i) / 4);
  const dayTicks = Array.from({ length: Math.floor(days / 7) + 1 }, (_, i) => i * 7);
  const right = x(days);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12">`,
    `<title id="t">${escapeXml(title)}</title>`,
    `<desc id="d">${escapeXml(desc)}</desc>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${plot.left}" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${plot.left}" x2="${right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${plot.left - 6}" y="${y(t) + 4}" text-anchor="end">${Math.round(t).toLocaleString('en-US')}</text>`,
    ),
    ...dayTicks.map((d) => `<text x="${x(d)}" y="${plot.bottom + 18}" text-anchor="middle">${d}</text>`),
    `<text x="${(plot.left + right) / 2}" y="${plot.bottom + 36}" text-anchor="middle">day</text>`,
    `<line x1="${plot.left}" x2="${right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="#555"/>`,
    ...series.map((s, i) => {
      const points = [[0, 0], ...s.values.map((v, d) => [d + 1, v])].map(([d, v]) => `${x(d!).toFixed(1)},${y(v!).toFixed(1)}`).join(' ');
      const dash = DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : '';
      return `<polyline points="${points}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"${dash}/>`;
    }),
    ...series.map((s, i) => {
      const ly = plot.top + 20 + i * 20;
      const dash = DASHES[i % DASHES.length] ? ` stroke-dasharray="${DASHES[i % DASHES.length]}"` : '';
      return `<line x1="${right + 16}" x2="${right + 40}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"${dash}/><text x="${right + 46}" y="${ly}">${escapeXml(s.name)}</text>`;
    }),
    '</svg>',
    '',
  ].join('\n');
}

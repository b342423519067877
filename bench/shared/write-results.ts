/**
 * The last step of `npm run bench`: gathers the areas the benchmarks saved (bench/results/)
 * into bench/RESULTS.md, one table per area with the machine, the browsers, the package
 * versions and the date, and the same figures as JSON in bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { savedAreas, type Area, type Figure } from './results';
import { chromiumPath } from '../../tools/chromium';
import { firefoxPath } from '../../tools/engines/firefox';

/** Every area the report is made of, in order; one not measured yet says so. */
const AREAS = [
  ['1-bytes', 'Bytes shipped'],
  ['2-tracking', 'Main-thread cost of tracking'],
  ['3-first-offer', 'Time to first offer'],
  ['4-storage', 'Storage footprint and growth'],
  ['5-collector', 'Collector'],
  ['6-ranking', 'Ranking against its physical limit'],
  ['7-learning', 'Offers that learn: the closed loop'],
  ['8-dashboard', 'Dashboard against a year of windows'],
  ['9-interaction', 'A shopper’s clicks, with and without Vitrine'],
  ['10-handoff', 'Cart handoff links'],
] as const;

/** @returns the first line a command prints, or why it could not run */
function versionLine(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')[0]!;
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

function machine(): Record<string, string> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `Linux ${release()}`,
    node: process.version,
    chromium: versionLine(chromiumPath(), ['--version']),
    firefox: versionLine(firefoxPath(), ['--version']),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template.
    webkitgtk: versionLine('dpkg-query', ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0']),
  };
}

const number = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 2 }));

function table(figures: readonly Figure[]): string {
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    row(['figure', 'median', 'min', 'max', 'reps', 'baseline', '× baseline']),
    row(['---', '---:', '---:', '---:', '---:', '---', '---:']),
    ...figures.map((f) =>
      row([
        f.name,
        `${number(f.median)} ${f.unit}`,
        number(f.min),
        number(f.max),
        f.reps,
        `${f.baseline.name}: ${number(f.baseline.median)} ${f.unit}`,
        Number.isFinite(f.ratio) ? `${f.ratio.toFixed(2)}×` : '—',
      ]),
    ),
  ].join('\n');
}

function markdown(host: Record<string, string>, areas: Map<string, Area>): string {
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/shared/write-results.ts); every figure from one run, each against a baseline from the same run.',
    '',
    ...Object.entries(host).map(([k, v]) => `- ${k}: ${v}`),
    '',
  ];
  for (const [id, title] of AREAS) {
    const area = areas.get(id);
    lines.push(`## ${title}`, '');
    if (!area) {
      lines.push('Not measured yet.', '');
      continue;
    }
    lines.push(area.about, '', table(area.figures), '');
    const versions = Object.entries(area.versions);
    if (versions.length) lines.push(`Versions: ${versions.map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  }
  return lines.join('\n');
}

function main(): void {
  const host = machine();
  const areas = new Map(savedAreas().map((a) => [a.id, a]));
  const dir = join(process.cwd(), 'bench');
  writeFileSync(join(dir, 'RESULTS.md'), markdown(host, areas));
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ machine: host, areas: [...areas.values()] }, null, 2)}\n`);
  console.log(`wrote bench/RESULTS.md and bench/results.json (${areas.size} of ${AREAS.length} areas measured)`);
}

main();

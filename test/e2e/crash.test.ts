import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCatalog } from '../../src/protocol/validate-catalog';
import { reportDomain, type Report } from '../../src/protocol/report';
import { reportCell, report as aReport } from '../fixtures/report';
import type { StatRow } from '../../server/store';

const TOKEN = 'crash-test-token-of-32-characters';
const MAIN = join(process.cwd(), 'dist/server/main.mjs');
const READY = /Offer catalog: +(http:\/\/localhost:\d+)\/v1\/catalog/;
const catalog = validateCatalog(JSON.parse(readFileSync('demo/catalog.json', 'utf8')));

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `node dist/server/main.mjs` on the embedded SQLite store in `data`. */
function start(data: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', VITRINE_DATA: data, VITRINE_TOKEN: TOKEN, VITRINE_K: '1', VITRINE_RATE_PER_MINUTE: '1000000', VITRINE_DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const ready = READY.exec(out);
      if (ready) resolve({ child, base: ready[1]!.replace('localhost', '127.0.0.1') });
    });
    child.once('exit', (code, signal) => reject(new Error(`the collector exited (${code ?? signal}) before listening: ${out}`)));
  });
}

/** A report of yesterday of the demo catalog's shape, one impression of its first offer. */
const report = (): Report =>
  aReport({ site: catalog.siteId, catalog: catalog.version, cells: reportDomain(catalog).map(([offer, variant], i) => reportCell(offer, variant, 'personalized', { impressions: i === 0 ? 1 : 0 })) });

describe('a collector killed while reports arrive', () => {
  it('keeps every report it answered 202, and a device resending one it did not answer counts it once', async () => {
    const data = mkdtempSync(join(tmpdir(), 'vitrine-crash-'));
    dirs.push(data);
    const first = await start(data);
    const sent = Array.from({ length: 400 }, report);
    const answered: string[] = [];
    // Reports keep arriving; the process is killed (no shutdown of any kind) in the middle.
    const sending = Promise.all(
      sent.map(async (r, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 2));
        const res = await fetch(`${first.base}/v1/reports`, { method: 'POST', body: JSON.stringify(r) }).catch(() => undefined);
        if (res?.status === 202) answered.push(r.id);
      }),
    );
    // Killed once it has answered some: by then it is committing batch after batch (a fixed
    // delay would be too short on a loaded machine, and nothing would have been answered yet).
    await vi.waitFor(() => expect(answered.length).toBeGreaterThan(0), { timeout: 30_000, interval: 2 });
    first.child.kill('SIGKILL');
    await sending;
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(sent.length);

    const second = await start(data);
    try {
      // Devices resend what was not answered; resending an answered one shows it was kept.
      for (const r of sent) {
        const res = await fetch(`${second.base}/v1/reports`, { method: 'POST', body: JSON.stringify(r) });
        expect(res.status).toBe(202);
        const { duplicate } = (await res.json()) as { duplicate: boolean };
        if (answered.includes(r.id)) expect(duplicate, `report ${r.id} was answered 202 before the kill`).toBe(true);
      }
      const stats = (await (await fetch(`${second.base}/v1/stats?site=${catalog.siteId}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { cells: StatRow[] };
      const firstCell = stats.cells.find((c) => c.offer === reportDomain(catalog)[0]![0] && c.variant === 'default');
      expect(firstCell).toMatchObject({ reports: sent.length, impressions: sent.length });
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  });
});

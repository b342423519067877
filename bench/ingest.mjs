// Collector ingest on loopback: reports per second and p99 latency for reports of 20 and 200
// cells, and the server's peak RSS. The server is the real one (dist/server/main.mjs) with
// its SQLite store in a temporary folder; the load comes from this process, bounded in count.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const data = mkdtempSync(join(tmpdir(), 'vitrine-ingest-'));
const server = spawn(process.execPath, ['dist/server/main.mjs'], {
  env: { ...process.env, PORT: '0', VITRINE_DATA: data, VITRINE_RATE_PER_MINUTE: '100000000' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const m = /Vitrine demo storefront: (http:\/\/localhost:\d+)\//.exec(out);
    if (m) resolve(m[1].replace('localhost', '127.0.0.1'));
  });
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
// Keep reading the server's log lines so its pipe never fills.
server.stdout.resume();

function report(cells, day) {
  return JSON.stringify({
    v: 1, id: randomBytes(16).toString('hex'), site: 'bench', windowStart: new Date(Date.UTC(2026, 10, day)).toISOString(),
    windowMs: 86_400_000, catalog: 'bench-1', noise: { mechanism: 'none' },
    cells: Array.from({ length: cells }, (_, i) => ({ offer: `o${i}`, variant: 'default', arm: i % 10 ? 'personalized' : 'baseline', impressions: i % 7, clicks: i % 2, dismissals: 0, conversions: 0, revenue: 0 })),
  });
}

async function run(cells, total, concurrency) {
  const bodies = Array.from({ length: total }, (_, i) => report(cells, 1 + (i % 20)));
  const latencies = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const body = bodies[next++];
      const t0 = performance.now();
      const res = await fetch(`${base}/v1/reports`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`status ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { cells, total, perSecond: total / seconds, p50: latencies[Math.floor(total * 0.5)], p99: latencies[Math.floor(total * 0.99)] };
}

try {
  console.log('Collector ingest on loopback (POST /v1/reports, SQLite WAL, 16 requests in flight)');
  for (const [cells, total] of [[20, 4000], [200, 1500]]) {
    await run(cells, 200, 16); // warm-up
    const r = await run(cells, total, 16);
    console.log(`  ${String(cells).padStart(3)} cells: ${r.perSecond.toFixed(0)} reports/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms (${r.total} reports)`);
  }
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  console.log(`  server peak RSS: ${hwm ? (Number(hwm[1]) / 1024).toFixed(1) : '?'} MiB`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(data, { recursive: true, force: true });
}

/**
 * Core figures: how soon the SQLite change signal reports another connection's commit (the
 * sender's wake-up), what one worker beat costs, and how long a cold `amiq status` takes (what
 * cron pays per keepalive). `node dist/bench/core.js` alone, or part `core` of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createChangeSignal, migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { isoNow } from '../src/shared/time.js';
import { beatWorker, registerWorker } from '../src/shared/worker/index.js';
import { report } from './report.js';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function changeSignalLatency(path: string, intervalMs: number, samples: number): Promise<number[]> {
  const signal = createChangeSignal(path, { intervalMs });
  const writer = new BetterSqlite3(path);
  const insert = writer.prepare("INSERT INTO manager_queue (action) VALUES ('Ping')");
  const out: number[] = [];
  // The signal's own timer never keeps a process alive; this one does while we await it.
  const hold = setInterval(() => undefined, 1_000);
  for (let i = 0; i < samples; i++) {
    // Commit at a random phase of the poll interval, as real inserts do.
    await new Promise((r) => setTimeout(r, Math.random() * intervalMs));
    const next = signal.next();
    const t0 = performance.now();
    insert.run();
    await next;
    out.push(performance.now() - t0);
  }
  clearInterval(hold);
  writer.close();
  signal.close();
  return out.sort((a, b) => a - b);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-core-'));
  const path = join(dir, 'amiq.db');
  const h = openSqlite(path);
  await migrateToLatest(h.db);
  try {
    for (const interval of [2, 50]) {
      const l = await changeSignalLatency(path, interval, interval === 2 ? 300 : 40);
      console.log(`change signal (intervalMs ${interval}): commit → 'change' p50 ${fmt(pct(l, 0.5))}, p99 ${fmt(pct(l, 0.99))}, n=${l.length}`);
      report({ suite: 'core', name: `SQLite change signal every ${interval} ms: commit → change p50`, value: pct(l, 0.5), unit: 'ms' });
      report({
        suite: 'core',
        name: `SQLite change signal every ${interval} ms: commit → change p99`,
        value: pct(l, 0.99),
        unit: 'ms',
        note: `${l.length} samples`,
      });
    }

    const id = { server: 'default', name: 'bench', pid: process.pid, host: hostname(), started_at: isoNow() };
    await registerWorker(h.db, id, { nowMs: Date.now(), beatSeconds: 2 });
    const beats = 2000;
    const t0 = performance.now();
    for (let i = 0; i < beats; i++) {
      await beatWorker(h.db, id, { beat_at: isoNow(), state: 'running', ami_state: 'connected', counters: { sent: i }, last_error: null, last_error_at: null });
    }
    const beatUs = ((performance.now() - t0) / beats) * 1000;
    console.log(`worker beat (one UPDATE, WAL, synchronous NORMAL): ${beatUs.toFixed(1)} µs each`);
    report({ suite: 'core', name: 'worker beat, one UPDATE on SQLite', value: beatUs, unit: 'µs' });

    const bin = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bin', 'amiq.js');
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = spawnSync(process.execPath, [bin, '--db', path, 'status', '--json'], { encoding: 'utf8' });
      // Exit 3: no worker is alive in this bench's database, as expected; 2 would be a real failure.
      if (r.status !== 0 && r.status !== 3) throw new Error(`amiq status failed (exit ${r.status}): ${r.stderr}`);
      runs.push(performance.now() - s);
    }
    runs.sort((a, b) => a - b);
    console.log(`cold \`amiq status --json\` (process start to exit): median ${fmt(pct(runs, 0.5))} of ${runs.length}`);
    report({ suite: 'core', name: 'cold `amiq status --json`, process start to exit', value: pct(runs, 0.5), unit: 'ms', note: `median of ${runs.length}` });
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();

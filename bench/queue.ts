/**
 * Queue benchmark, end to end against the simulator: a separate process inserts rows, the
 * action-sender runs in its own process, the simulator answers in this one.
 *  1. throughput: rows inserted as fast as a client can, rate limits off; actions/s from the
 *     first insert to the last response recorded.
 *  2. latency: 500 rows/s offered; insert-to-sent (insert committed → action received by the
 *     simulator) p50/p99, and insert-to-response-recorded p50/p99 (ms resolution of the column).
 * Runnable alone: `node dist/bench/queue.js [rows] [latencySeconds]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { startSimulator } from '../src/simulator/index.js';

const HERE = new URL('.', import.meta.url).pathname;
const wallNow = (): number => performance.timeOrigin + performance.now();

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function startChild(script: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(
    process.execPath,
    [...(process.env.AMIQ_BENCH_PROF && script === 'queue-sender.js' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), join(HERE, script), ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

async function waitAllDone(count: () => number, total: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (count() < total) {
    if (Date.now() > deadline) throw new Error(`only ${count()} of ${total} rows done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return wallNow();
}

export async function run(rows = 20_000, latencySeconds = 5): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-queue-'));
  const dbPath = join(dir, 'amiq.db');
  const handle = openSqlite(dbPath);
  await migrateToLatest(handle.db);
  const sim = await startSimulator({ port: 0, logger: pino({ level: 'silent' }), maxActionLog: 1000 });
  const received = new Map<number, number>();
  let answered = 0;
  sim.on('action', (a) => {
    const m = /^amiq-(\d+)-/.exec(a.actionId ?? '');
    if (m) received.set(Number(m[1]), wallNow());
  });
  // Rows still open, through the claim index: cheap however many rows are done.
  const countOpen = handle.sqlite.prepare(`SELECT count(*) AS n FROM manager_queue WHERE server = 'default' AND status IN ('NEW','SENDING','SENT')`);
  const countAll = handle.sqlite.prepare(`SELECT max(id) AS n FROM manager_queue`);
  const done = (): number => ((countAll.get() as { n: number | null }).n ?? 0) - (countOpen.get() as { n: number }).n;
  const config = {
    database: { path: dbPath },
    ami: { port: sim.port, secret: 'amiq' },
    action_sender: { rate_per_second: 0, max_in_flight: 500, response_timeout_ms: 10_000, ttl_seconds: 600 },
    log: { level: 'warn' },
  };
  const sender = startChild('queue-sender.js', [], { AMIQ_SENDER_CONFIG: JSON.stringify(config) });
  try {
    if ((await sender.lines.next()).value !== 'connected') throw new Error('sender did not connect');

    // 1. Throughput.
    const ins = startChild('queue-inserter.js', [dbPath, 'burst', String(rows), '200']);
    const insertLine = (await ins.lines.next()).value as string;
    const inserted = JSON.parse(insertLine) as { start: number; end: number };
    const end = await waitAllDone(done, rows, 120_000);
    answered = done();
    const stats = handle.sqlite.prepare(`SELECT min(sent_at) AS first, max(response_at) AS last, sum(status = 'SUCCESS') AS ok FROM manager_queue`).get() as {
      first: string;
      last: string;
      ok: number;
    };
    const senderSpan = (Date.parse(stats.last) - Date.parse(stats.first)) / 1000;
    console.log(`queue throughput (Ping, rate limit off, max_in_flight 500, ${rows} rows, separate inserter and sender processes):`);
    console.log(`  inserts:            ${(rows / ((inserted.end - inserted.start) / 1000)).toFixed(0)} rows/s (batches of 200)`);
    console.log(`  end to end:         ${(rows / ((end - inserted.start) / 1000)).toFixed(0)} actions/s (first insert → last response recorded)`);
    console.log(`  sender only:        ${(rows / senderSpan).toFixed(0)} actions/s (first sent_at → last response_at); ${stats.ok} SUCCESS`);

    // 2. Latency at 500 rows/s offered.
    const base = answered;
    const total = 500 * latencySeconds;
    const paced = startChild('queue-inserter.js', [dbPath, 'paced', '500', String(latencySeconds * 1000)]);
    const times = (JSON.parse((await paced.lines.next()).value as string) as { times: Array<[number, number]> }).times;
    await waitAllDone(done, base + total, 60_000);
    const sentLat: number[] = [];
    const respLat: number[] = [];
    const respAt = handle.sqlite.prepare(`SELECT response_at FROM manager_queue WHERE id = ?`);
    for (const [id, t] of times) {
      const r = received.get(id);
      if (r !== undefined) sentLat.push(r - t);
      const at = (respAt.get(id) as { response_at: string | null }).response_at;
      if (at) respLat.push(Date.parse(at) - t);
    }
    sentLat.sort((a, b) => a - b);
    respLat.sort((a, b) => a - b);
    console.log(`queue latency at 500 rows/s offered (${times.length} rows, ${latencySeconds} s):`);
    console.log(`  insert → sent:      p50 ${pct(sentLat, 50).toFixed(2)} ms, p99 ${pct(sentLat, 99).toFixed(2)} ms, max ${sentLat.at(-1)?.toFixed(2)} ms`);
    console.log(`  insert → recorded:  p50 ${pct(respLat, 50).toFixed(1)} ms, p99 ${pct(respLat, 99).toFixed(1)} ms (response_at has ms resolution)`);
  } finally {
    sender.child.kill('SIGTERM');
    await once(sender.child, 'exit');
    await sim.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [rows, secs] = process.argv.slice(2).map(Number);
  await run(rows || undefined, secs || undefined);
}

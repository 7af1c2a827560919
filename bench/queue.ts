/**
 * Queue benchmark, end to end against the simulator: a separate process inserts rows, the
 * action-sender runs in its own process, the simulator answers in this one.
 *  1. throughput: rows inserted as fast as a client can, rate limits off; actions/s from the
 *     first insert to the last response recorded.
 *  2. latency: 500 rows/s offered; insert-to-sent (insert committed → action received by the
 *     simulator) p50/p99, and insert-to-response-recorded p50/p99 (ms resolution of the column).
 * Runnable alone: `node dist/bench/queue.js [--engine sqlite|postgres|mysql] [rows] [latencySeconds]`
 * (SQLite by default; the server engines in a fresh database, engine-db.ts). queue-engines.ts
 * runs it once per engine and compares.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Engine } from '../src/shared/db/index.js';
import { startSimulator } from '../src/simulator/index.js';
import { freshDatabase, isEngine } from './engine-db.js';
import { partArgs, report } from './report.js';

const HERE = new URL('.', import.meta.url).pathname;
const wallNow = (): number => performance.timeOrigin + performance.now();
export const OFFERED_PER_SECOND = 500;

export function pct(sorted: number[], p: number): number {
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

async function waitAllDone(count: () => Promise<number>, total: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while ((await count()) < total) {
    if (Date.now() > deadline) throw new Error(`only ${await count()} of ${total} rows done after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return wallNow();
}

/** One engine's figures (queue-engines.ts compares them). */
export interface QueueResult {
  engine: Engine;
  rows: number;
  insertsPerSecond: number;
  endToEnd: number;
  senderOnly: number;
  samples: number;
  sent: { p50: number; p99: number; max: number };
  recorded: { p50: number; p99: number };
  /** insert → sent minus insert → recorded, per row: what recording the response took (ms resolution). */
  sentToRecorded: { p50: number; p99: number };
  /** The sender process's CPU over the whole run, ms. */
  senderCpuMs: number;
}

export async function run(engine: Engine = 'sqlite', rows = 20_000, latencySeconds = 5): Promise<QueueResult> {
  const bench = await freshDatabase(engine);
  const { db } = bench.handle;
  const target = bench.target.url ?? bench.target.path;
  const sim = await startSimulator({ port: 0, logger: pino({ level: 'silent' }), maxActionLog: 1000 });
  const received = new Map<number, number>();
  sim.on('action', (a) => {
    const m = /^amiq-(\d+)-/.exec(a.actionId ?? '');
    if (m) received.set(Number(m[1]), wallNow());
  });
  // Rows still open, through the claim index: cheap however many rows are done.
  const done = async (): Promise<number> => {
    const r = await db
      .selectFrom('manager_queue')
      .select([sql<number | null>`max(id)`.as('top'), sql<number>`sum(case when status in ('NEW','SENDING','SENT') then 1 else 0 end)`.as('open')])
      .executeTakeFirstOrThrow();
    return Number(r.top ?? 0) - Number(r.open ?? 0);
  };
  const config = {
    database: bench.target.url ? { url: bench.target.url } : { path: bench.target.path },
    ami: { port: sim.port, secret: 'amiq' },
    action_sender: { rate_per_second: 0, max_in_flight: 500, response_timeout_ms: 10_000, ttl_seconds: 600 },
    log: { level: 'warn' },
  };
  const sender = startChild('queue-sender.js', [], { AMIQ_SENDER_CONFIG: JSON.stringify(config) });
  try {
    if ((await sender.lines.next()).value !== 'connected') throw new Error('sender did not connect');

    // 1. Throughput.
    const ins = startChild('queue-inserter.js', [target, 'burst', String(rows), '200']);
    const inserted = JSON.parse((await ins.lines.next()).value as string) as { start: number; end: number };
    const end = await waitAllDone(done, rows, 120_000);
    const answered = await done();
    const stats = await db
      .selectFrom('manager_queue')
      .select([
        sql<string>`min(sent_at)`.as('first'),
        sql<string>`max(response_at)`.as('last'),
        sql<number>`sum(case when status = 'SUCCESS' then 1 else 0 end)`.as('ok'),
      ])
      .executeTakeFirstOrThrow();
    const senderSpan = (Date.parse(stats.last) - Date.parse(stats.first)) / 1000;
    const insertsPerSecond = rows / ((inserted.end - inserted.start) / 1000);
    const endToEnd = rows / ((end - inserted.start) / 1000);
    const senderOnly = rows / senderSpan;
    console.log(`queue throughput on ${engine} (Ping, rate limit off, max_in_flight 500, ${rows} rows, separate inserter and sender processes):`);
    console.log(`  inserts:            ${insertsPerSecond.toFixed(0)} rows/s (batches of 200)`);
    console.log(`  end to end:         ${endToEnd.toFixed(0)} actions/s (first insert → last response recorded)`);
    console.log(`  sender only:        ${senderOnly.toFixed(0)} actions/s (first sent_at → last response_at); ${Number(stats.ok)} SUCCESS`);

    // 2. Latency at 500 rows/s offered.
    const total = OFFERED_PER_SECOND * latencySeconds;
    const paced = startChild('queue-inserter.js', [target, 'paced', String(OFFERED_PER_SECOND), String(latencySeconds * 1000)]);
    const times = (JSON.parse((await paced.lines.next()).value as string) as { times: Array<[number, number]> }).times;
    await waitAllDone(done, answered + total, 60_000);
    const at = new Map<number, string | null>();
    for (const r of await db.selectFrom('manager_queue').select(['id', 'response_at']).where('id', '>=', times[0]![0]).execute()) at.set(r.id, r.response_at);
    const sentLat: number[] = [];
    const respLat: number[] = [];
    const recordLat: number[] = [];
    for (const [id, t] of times) {
      const s = received.get(id);
      if (s !== undefined) sentLat.push(s - t);
      const r = at.get(id);
      if (r) respLat.push(Date.parse(r) - t);
      if (s !== undefined && r) recordLat.push(Date.parse(r) - s);
    }
    for (const l of [sentLat, respLat, recordLat]) l.sort((a, b) => a - b);
    const result: QueueResult = {
      engine,
      rows,
      insertsPerSecond,
      endToEnd,
      senderOnly,
      samples: times.length,
      sent: { p50: pct(sentLat, 50), p99: pct(sentLat, 99), max: sentLat.at(-1) ?? Number.NaN },
      recorded: { p50: pct(respLat, 50), p99: pct(respLat, 99) },
      sentToRecorded: { p50: pct(recordLat, 50), p99: pct(recordLat, 99) },
      senderCpuMs: 0,
    };
    console.log(`queue latency on ${engine} at ${OFFERED_PER_SECOND} rows/s offered (${times.length} rows, ${latencySeconds} s):`);
    console.log(`  insert → sent:      p50 ${result.sent.p50.toFixed(2)} ms, p99 ${result.sent.p99.toFixed(2)} ms, max ${result.sent.max.toFixed(2)} ms`);
    console.log(`  insert → recorded:  p50 ${result.recorded.p50.toFixed(1)} ms, p99 ${result.recorded.p99.toFixed(1)} ms (response_at has ms resolution)`);
    console.log(`  sent → recorded:    p50 ${result.sentToRecorded.p50.toFixed(1)} ms, p99 ${result.sentToRecorded.p99.toFixed(1)} ms`);
    sender.child.kill('SIGTERM');
    for await (const line of sender.lines) if (line.startsWith('{')) result.senderCpuMs = (JSON.parse(line) as { cpuMs: number }).cpuMs;
    return result;
  } finally {
    if (sender.child.exitCode === null) {
      sender.child.kill('SIGTERM');
      await once(sender.child, 'exit');
    }
    await sim.close();
    await bench.drop();
  }
}

/** The `queue` part's own figures (SQLite, the embedded default; another engine when asked). */
function reportQueue(r: QueueResult): void {
  const suite = r.engine === 'sqlite' ? 'queue' : `queue on ${r.engine}`;
  report({ suite, name: 'inserts, batches of 200', value: r.insertsPerSecond, unit: 'rows/s' });
  report({ suite, name: 'end to end, insert → response recorded', value: r.endToEnd, unit: 'actions/s', target: { op: '>=', value: 5000 } });
  report({ suite, name: 'sender only, first sent → last recorded', value: r.senderOnly, unit: 'actions/s' });
  const at = `at ${OFFERED_PER_SECOND}/s`;
  report({ suite, name: `insert → sent p50 ${at}`, value: r.sent.p50, unit: 'ms', target: { op: '<=', value: 5 }, note: `${r.samples} rows` });
  report({ suite, name: `insert → sent p99 ${at}`, value: r.sent.p99, unit: 'ms', target: { op: '<=', value: 20 } });
  report({ suite, name: `insert → recorded p50 ${at}`, value: r.recorded.p50, unit: 'ms' });
  report({ suite, name: `insert → recorded p99 ${at}`, value: r.recorded.p99, unit: 'ms' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = partArgs();
  const e = args.indexOf('--engine');
  const engine = e === -1 ? 'sqlite' : args[e + 1];
  if (!isEngine(engine)) throw new Error(`--engine: one of sqlite, postgres, mysql (got ${engine})`);
  const [rows, secs] = args.filter((_, i) => e === -1 || (i !== e && i !== e + 1)).map(Number);
  const result = await run(engine, rows || undefined, secs || undefined);
  // Run by queue-engines.ts (fork): the figures go back to it; alone, they are the `queue` part's.
  if (process.send) process.send(result);
  else reportQueue(result);
}

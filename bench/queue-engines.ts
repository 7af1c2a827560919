/**
 * The queue benchmark on each engine side by side, in one run: SQLite, PostgreSQL and MariaDB
 * (MySQL), each in a fresh database, each through queue.ts in a process of its own (the same
 * inserter, sender and simulator, the same rows). Then what MySQL/MariaDB's idle wake-up poll
 * costs. The anchor is graphile-worker's published add_job → job start latency on PostgreSQL
 * (not measured here). Targets (issue 16): PostgreSQL ≥ 5,000 actions/s, insert → sent p50 ≤ 5 ms
 * and p99 ≤ 20 ms at 500 rows/s; MariaDB ≥ 3,000 actions/s, p99 ≤ 50 ms.
 *   node dist/bench/queue-engines.js [rows] [latencySeconds]     (or `npm run bench queue-engines`)
 *   AMIQ_BENCH_ENGINES=postgres,mysql ...                        only these engines
 * An engine whose server does not answer is skipped, saying so.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/shared/db/index.js';
import { ENGINES, freshDatabase, unreachable } from './engine-db.js';
import { measurePollCost } from './poll-cost.js';
import { OFFERED_PER_SECOND, type QueueResult } from './queue.js';
import { partArgs, report, type Peer, type Target } from './report.js';

const SUITE = 'queue-engines';
const LABEL: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' };
/** https://worker.graphile.org/docs/performance: average add_job → execution start, "optimal conditions". */
const GRAPHILE_WORKER: Peer = { name: 'graphile-worker add_job → start, average', value: 4.16, source: 'published, worker.graphile.org/docs/performance' };
const POLL_INTERVALS = [50, 10];

const TARGETS: Partial<Record<Engine, { endToEnd?: Target; p50?: Target; p99?: Target }>> = {
  postgres: { endToEnd: { op: '>=', value: 5000 }, p50: { op: '<=', value: 5 }, p99: { op: '<=', value: 20 } },
  mysql: { endToEnd: { op: '>=', value: 3000 }, p99: { op: '<=', value: 50 } },
};

async function runEngine(engine: Engine, rows: number, seconds: number): Promise<QueueResult> {
  const child = fork(fileURLToPath(new URL('./queue.js', import.meta.url)), ['--engine', engine, String(rows), String(seconds)], { stdio: 'inherit' });
  let result: QueueResult | undefined;
  child.on('message', (m) => (result = m as QueueResult));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0 || result === undefined) throw new Error(`queue bench on ${engine} exited with ${code}`);
  return result;
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function reportFigures(results: QueueResult[]): void {
  const figure = (name: string, unit: string, pick: (r: QueueResult) => number, target?: (e: Engine) => Target | undefined, anchor?: Peer): void => {
    for (const r of results) {
      const peers: Peer[] = results.filter((o) => o !== r).map((o) => ({ name: LABEL[o.engine], value: pick(o) }));
      if (anchor && r.engine === 'postgres') peers.push(anchor);
      const t = target?.(r.engine);
      report({ suite: SUITE, name: `${LABEL[r.engine]}: ${name}`, value: pick(r), unit, peers, ...(t ? { target: t } : {}) });
    }
  };
  const at = `at ${OFFERED_PER_SECOND}/s`;
  figure(
    'end to end, insert → response recorded',
    'actions/s',
    (r) => r.endToEnd,
    (e) => TARGETS[e]?.endToEnd,
  );
  figure(
    `insert → sent p50 ${at}`,
    'ms',
    (r) => r.sent.p50,
    (e) => TARGETS[e]?.p50,
    GRAPHILE_WORKER,
  );
  figure(
    `insert → sent p99 ${at}`,
    'ms',
    (r) => r.sent.p99,
    (e) => TARGETS[e]?.p99,
  );
  figure(`sent → recorded p50 ${at}`, 'ms', (r) => r.sentToRecorded.p50);
  figure(`sent → recorded p99 ${at}`, 'ms', (r) => r.sentToRecorded.p99);
}

async function pollCost(): Promise<void> {
  const bench = await freshDatabase('mysql');
  try {
    for (const interval of POLL_INTERVALS) {
      const c = await measurePollCost(bench.handle, interval);
      const server = c.serverCpuUsPerQuery === undefined ? 'server CPU not readable' : `server ${fmt(c.serverCpuUsPerQuery)} µs CPU per query`;
      console.log(
        `MariaDB idle wake-up poll every ${interval} ms: ${fmt(c.queriesPerSecond, 1)} queries/s, client ${fmt(c.clientCpuMsPerSecond, 2)} ms CPU/s (${fmt(c.clientCpuMsPerSecond / 10, 2)} % of a core), ${server}`,
      );
      const note = `poll_interval_ms ${interval}, queue idle`;
      report({ suite: SUITE, name: `MariaDB poll every ${interval} ms: queries`, value: c.queriesPerSecond, unit: 'queries/s', note });
      report({ suite: SUITE, name: `MariaDB poll every ${interval} ms: client CPU`, value: c.clientCpuMsPerSecond, unit: 'ms CPU/s', note });
      if (c.serverCpuUsPerQuery !== undefined)
        report({
          suite: SUITE,
          name: `MariaDB poll query (measured after the ${interval} ms run): server CPU`,
          value: c.serverCpuUsPerQuery,
          unit: 'µs/query',
          note: '2,000 back to back, shared server',
        });
    }
  } finally {
    await bench.drop();
  }
}

export async function run(rows = 20_000, seconds = 5): Promise<void> {
  const wanted = (process.env['AMIQ_BENCH_ENGINES'] ?? '').split(',').filter((s) => s !== '');
  const engines = ENGINES.filter((e) => wanted.length === 0 || wanted.includes(e));
  const results: QueueResult[] = [];
  for (const e of engines) {
    // A machine without a database server still runs the other engines, and says so.
    const why = await unreachable(e);
    if (why === undefined) results.push(await runEngine(e, rows, seconds));
    else console.log(`queue-engines: ${LABEL[e]} skipped (${why})`);
  }
  console.log(`\nqueue per engine, side by side (${rows} rows burst, then ${OFFERED_PER_SECOND} rows/s for ${seconds} s; Ping against the simulator):`);
  console.log(
    '| engine | inserts rows/s | end to end actions/s | sender only actions/s | insert → sent p50 / p99 / max ms | sent → recorded p50 / p99 ms | sender CPU s |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${LABEL[r.engine]} | ${fmt(r.insertsPerSecond)} | ${fmt(r.endToEnd)} | ${fmt(r.senderOnly)} | ${fmt(r.sent.p50, 2)} / ${fmt(r.sent.p99, 2)} / ${fmt(r.sent.max, 2)} | ${fmt(r.sentToRecorded.p50)} / ${fmt(r.sentToRecorded.p99)} | ${fmt(r.senderCpuMs / 1000, 2)} |`,
    );
  }
  console.log(`anchor: ${GRAPHILE_WORKER.name} on PostgreSQL ${GRAPHILE_WORKER.value} ms (${GRAPHILE_WORKER.source}; not run here)`);
  for (const r of results) {
    const t = TARGETS[r.engine];
    if (!t) continue;
    const checks = [
      t.endToEnd && `${fmt(r.endToEnd)} actions/s ${r.endToEnd >= t.endToEnd.value ? 'met' : 'MISSED'} (≥ ${fmt(t.endToEnd.value)})`,
      t.p50 && `p50 ${fmt(r.sent.p50, 2)} ms ${r.sent.p50 <= t.p50.value ? 'met' : 'MISSED'} (≤ ${t.p50.value})`,
      t.p99 && `p99 ${fmt(r.sent.p99, 2)} ms ${r.sent.p99 <= t.p99.value ? 'met' : 'MISSED'} (≤ ${t.p99.value})`,
    ].filter(Boolean);
    console.log(`targets ${LABEL[r.engine]}: ${checks.join(', ')}`);
  }
  reportFigures(results);
  if (results.some((r) => r.engine === 'mysql')) await pollCost();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [rows, seconds] = partArgs().map(Number);
  await run(rows || undefined, seconds || undefined);
}

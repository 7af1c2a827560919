/**
 * HTTP benchmark: the http worker in its own process on a SQLite database, load from this one.
 *  1. enqueue: POST /v1/originate over keep-alive connections (autocannon): at the maximum rate,
 *     then at a fixed 1,000 requests/s; requests/s and latency p50/p99.
 *  2. SSE fan-out: 200 clients follow GET /v1/changes; a row is updated (by another connection,
 *     as a worker would) every 20 ms; for each change, the time from its commit to the last of the
 *     200 clients receiving it, p50/p99 (and over every client's receipt).
 * Runnable alone: `node dist/bench/http.js [seconds]`. Targets: >= 5,000 enqueues/s; p99 <= 10 ms at 1,000/s.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { hashToken } from '../src/http/index.js';
import { migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { report } from './report.js';

const HERE = new URL('.', import.meta.url).pathname;
const TOKEN = 'bench-token';
const CLIENTS = 200;
const CHANGES = 100;
/**
 * Connections for the fixed 1,000/s: autocannon starts every connection's timer at once, so n
 * connections send n requests together each tick (a burst a real crowd of clients does not
 * make); 4 keep-alive connections at 250/s each. BENCH_HTTP_RATE_CONNECTIONS overrides.
 */
const RATE_CONNECTIONS = Number(process.env.BENCH_HTTP_RATE_CONNECTIONS ?? 4);

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function load(url: string, seconds: number, overallRate?: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/v1/originate`,
    method: 'POST',
    connections: overallRate === undefined ? 32 : RATE_CONNECTIONS,
    duration: seconds,
    ...(overallRate === undefined ? {} : { overallRate }),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'Local/100@default', exten: '700', context: 'default', tag: 'bench' }),
  });
}

function show(label: string, r: autocannon.Result): number {
  const ok = r['2xx'];
  console.log(
    `  ${label.padEnd(18)} ${(ok / r.duration).toFixed(0)} enqueues/s (${ok} rows, ${r.non2xx} non-2xx, ${r.errors} errors); latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms`,
  );
  return ok / r.duration;
}

/** One /v1/changes follower: the arrival time of each change event, by the row id its data names. */
function follow(url: string, agent: Agent, arrivals: Map<number, number[]>): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/changes`, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
          const m = /\ndata: \{"id":(\d+),/.exec(buf.slice(0, end));
          if (m) arrivals.get(Number(m[1]))?.push(at);
          buf = buf.slice(end + 2);
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

export async function run(seconds = 5): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-http-'));
  const dbPath = join(dir, 'amiq.db');
  const handle = openSqlite(dbPath);
  await migrateToLatest(handle.db);
  const config = { database: { path: dbPath }, http: { tokens: [{ name: 'bench', hash: hashToken(TOKEN), rate_per_second: 0 }] }, log: { level: 'warn' } };
  const server = spawn(process.execPath, [join(HERE, 'http-server.js')], {
    env: { ...process.env, AMIQ_HTTP_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = (await createInterface({ input: server.stdout! })[Symbol.asyncIterator]().next()).value as string;
    const url = `http://127.0.0.1:${port.trim()}`;

    console.log(`HTTP enqueue (POST /v1/originate, keep-alive, http worker in its own process, SQLite, no sender running; ${seconds} s each):`);
    await load(url, 1); // warm-up: JIT, statement cache
    const max = await load(url, seconds);
    const maxRate = show('max rate (32 conn)', max);
    // The HTTP stack's own ceiling here and now (no token, no database): what the machine leaves.
    const health = await autocannon({ url: `${url}/health`, connections: 32, duration: seconds });
    const healthRate = health['2xx'] / health.duration;
    console.log(`  GET /health baseline ${healthRate.toFixed(0)} requests/s; latency p50 ${health.latency.p50} ms, p99 ${health.latency.p99} ms`);
    const fixed = await load(url, seconds, 1000);
    show(`1,000/s (${RATE_CONNECTIONS} conn)`, fixed);
    const peers = [{ name: 'GET /health (no token, no database), same moment', value: healthRate }];
    report({
      suite: 'http',
      name: 'enqueues/s at max rate (POST /v1/originate, 32 keep-alive connections)',
      value: maxRate,
      unit: 'requests/s',
      target: { op: '>=', value: 5000 },
      peers,
    });
    report({ suite: 'http', name: 'enqueue p99 at max rate', value: max.latency.p99, unit: 'ms' });
    report({ suite: 'http', name: 'enqueue p50 at 1,000/s', value: fixed.latency.p50, unit: 'ms' });
    report({ suite: 'http', name: 'enqueue p99 at 1,000/s', value: fixed.latency.p99, unit: 'ms', target: { op: '<=', value: 10 } });

    // SSE fan-out.
    const seeded = handle.sqlite.prepare(`INSERT INTO manager_queue (action, channel, params) VALUES ('Hangup', 'SIP/1-0', '{}')`);
    const ids = Array.from({ length: CHANGES }, () => Number(seeded.run().lastInsertRowid));
    const arrivals = new Map<number, number[]>(ids.map((id) => [id, []]));
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const closers = await Promise.all(Array.from({ length: CLIENTS }, () => follow(url, agent, arrivals)));
    await new Promise((r) => setTimeout(r, 500));
    const update = handle.sqlite.prepare(`UPDATE manager_queue SET status = 'CANCELLED' WHERE id = ?`);
    const committed = new Map<number, number>();
    for (const id of ids) {
      update.run(id);
      committed.set(id, performance.now());
      await new Promise((r) => setTimeout(r, 20));
    }
    const deadline = Date.now() + 10_000;
    while ([...arrivals.values()].some((a) => a.length < CLIENTS) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    closers.forEach((close) => close());
    agent.destroy();
    const toAll: number[] = [];
    const each: number[] = [];
    let missing = 0;
    for (const id of ids) {
      const a = arrivals.get(id)!;
      missing += CLIENTS - a.length;
      const t0 = committed.get(id)!;
      for (const t of a) each.push(t - t0);
      if (a.length === CLIENTS) toAll.push(Math.max(...a) - t0);
    }
    toAll.sort((x, y) => x - y);
    each.sort((x, y) => x - y);
    console.log(`SSE fan-out (${CLIENTS} clients on GET /v1/changes, ${CHANGES} row updates 20 ms apart, from commit):`);
    console.log(`  to all ${CLIENTS} clients:  p50 ${pct(toAll, 50).toFixed(1)} ms, p99 ${pct(toAll, 99).toFixed(1)} ms, max ${toAll.at(-1)?.toFixed(1)} ms`);
    console.log(`  each receipt:         p50 ${pct(each, 50).toFixed(1)} ms, p99 ${pct(each, 99).toFixed(1)} ms; ${missing} receipts missing`);
    report({ suite: 'http', name: `SSE: commit → all ${CLIENTS} clients p50`, value: pct(toAll, 50), unit: 'ms' });
    report({ suite: 'http', name: `SSE: commit → all ${CLIENTS} clients p99`, value: pct(toAll, 99), unit: 'ms' });
    report({ suite: 'http', name: 'SSE: receipts missing', value: missing, unit: 'events', target: { op: '<=', value: 0 } });
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [secs] = process.argv.slice(2).map(Number);
  await run(secs || undefined);
}

/**
 * Device relay benchmark: server A's device state change → server B's SetVar of
 * DEVICE_STATE(Custom:…) answered, through the queue. The relay for A and B's action-sender run
 * in processes of their own on one SQLite file (as `amiq run` would); both simulators run here,
 * so one clock times both ends. Changes are offered at a steady rate, round-robin over 1,000
 * devices (each toggles INUSE / NOT_INUSE), for a few seconds per rate.
 * Runnable alone: `node dist/bench/device-relay.js [seconds] [rate...]`; with
 * AMIQ_BENCH_DATABASE_URL (a PostgreSQL or MySQL/MariaDB server URL whose user may create
 * databases) on a scratch database there instead of SQLite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, parseDatabaseUrl, type AmiqDatabase } from '../src/shared/db/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';

const HERE = new URL('.', import.meta.url).pathname;
const DEVICES = 1000;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function startChild(role: 'relay' | 'sender', config: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(HERE, 'device-relay-worker.js'), role], {
    env: { ...process.env, AMIQ_BENCH_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    lines.on('line', (l) => l === 'ready' && resolve(child));
    child.once('exit', (code) => reject(new Error(`${role} exited ${code} before it was ready`)));
  });
}

/** A fresh database: a SQLite file, or a scratch database on the server AMIQ_BENCH_DATABASE_URL names. */
async function scratchDatabase(): Promise<{ handle: AmiqDatabase; config: { path: string; url: string }; engine: string; drop(): Promise<void> }> {
  const server = process.env.AMIQ_BENCH_DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-relay-'));
    const path = join(dir, 'amiq.db');
    const handle = await openDatabase({ path });
    return { handle, config: { path, url: '' }, engine: 'SQLite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = await openDatabase({ url: server, path: '' });
  const name = `amiq_bench_relay_${process.pid}`;
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  const handle = await openDatabase({ url, path: '' });
  const engine = parseDatabaseUrl(server).engine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
  return {
    handle,
    config: { path: 'unused.db', url },
    engine,
    drop: async () => {
      await sql`DROP DATABASE ${sql.id(name)}`.execute(admin.db);
      await admin.close();
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** Offers `rate` changes/s for `seconds`; resolves with each delivered change's latency (ms) and the count offered. */
async function phase(a: Simulator, b: Simulator, rate: number, seconds: number, round: number): Promise<{ lat: number[]; offered: number }> {
  const pending = new Map<string, number>();
  const lat: number[] = [];
  const onWrite = (w: { variable: string; value: string; accepted: boolean }) => {
    const key = `${w.variable}=${w.value}`;
    const t0 = pending.get(key);
    if (t0 === undefined || !w.accepted) return;
    pending.delete(key);
    lat.push(performance.now() - t0);
  };
  b.on('state-write', onWrite);
  const total = rate * seconds;
  const tickMs = 10;
  const start = performance.now();
  let offered = 0;
  while (offered < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; offered < due; offered++) {
      const d = offered % DEVICES;
      const state = (Math.floor(offered / DEVICES) + round) % 2 === 0 ? 'INUSE' : 'NOT_INUSE';
      pending.set(`DEVICE_STATE(Custom:PJSIP/b${d})=${state}`, performance.now());
      a.setDeviceState(`PJSIP/b${d}`, state);
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  // Let the last changes arrive (a coalesced change is never written: it stays pending).
  const deadline = performance.now() + 5000;
  while (pending.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  b.off('state-write', onWrite);
  return { lat: lat.sort((x, y) => x - y), offered };
}

export async function run(seconds = 5, rates: number[] = [100, 1000]): Promise<void> {
  const scratch = await scratchDatabase();
  const handle = scratch.handle;
  await migrateToLatest(handle.db);
  const silent = pino({ level: 'silent' });
  const a = await startSimulator({ port: 0, logger: silent, maxActionLog: 1000 });
  const b = await startSimulator({ port: 0, logger: silent, maxActionLog: 1000 });
  const common = { database: { ...scratch.config, poll_interval_ms: 5 }, device_relay: { servers: ['a', 'b'] }, log: { level: 'warn' } };
  const children: ChildProcess[] = [];
  try {
    children.push(await startChild('relay', { ...common, server: { name: 'a' }, ami: { port: a.port, secret: 'amiq' } }));
    children.push(
      await startChild('sender', {
        ...common,
        server: { name: 'b' },
        ami: { port: b.port, secret: 'amiq' },
        action_sender: { rate_per_second: 0, max_in_flight: 100 },
      }),
    );
    console.log(
      `device relay: A's DeviceStateChange → B's SetVar DEVICE_STATE(Custom:…) answered (${scratch.engine}, relay and sender in their own processes, ${DEVICES} devices):`,
    );
    // Warm-up (JIT, first statements), not reported.
    await phase(a, b, 100, 1, 0);
    let round = 1;
    for (const rate of rates) {
      const { lat, offered } = await phase(a, b, rate, seconds, round++);
      const rows = (
        await handle.db
          .selectFrom('manager_queue')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('server', '=', 'b')
          .executeTakeFirstOrThrow()
      ).n;
      console.log(
        `  ${String(rate).padStart(5)} changes/s: p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${lat.at(-1)?.toFixed(1)} ms; ` +
          `${lat.length} of ${offered} changes written (the rest coalesced); ${rows} rows for B so far`,
      );
    }
  } finally {
    for (const c of children) await stopChild(c);
    await a.close();
    await b.close();
    await handle.close();
    await scratch.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [secs, ...rates] = process.argv.slice(2).map(Number);
  await run(secs || undefined, rates.length > 0 ? rates : undefined);
}

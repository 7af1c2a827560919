/**
 * Device relay benchmark: server A's device state change → server B's SetVar of
 * DEVICE_STATE(Custom:…) answered, through the queue. The relay for A and B's action-sender run
 * in processes of their own on one SQLite file (as `amiq run` would); both simulators run here,
 * so one clock times both ends. Changes are offered at a steady rate, round-robin over 1,000
 * devices (each toggles INUSE / NOT_INUSE), for a few seconds per rate.
 * Runnable alone: `node dist/bench/device-relay.js [seconds] [rate...]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';

const HERE = new URL('.', import.meta.url).pathname;
const DEVICES = 1000;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function startChild(script: string, envName: string, config: object, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(HERE, script)], {
    env: { ...process.env, [envName]: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    lines.on('line', (l) => l === ready && resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code} before "${ready}"`)));
  });
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
  const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-relay-'));
  const dbPath = join(dir, 'amiq.db');
  const handle = openSqlite(dbPath);
  await migrateToLatest(handle.db);
  const silent = pino({ level: 'silent' });
  const a = await startSimulator({ port: 0, logger: silent, maxActionLog: 1000 });
  const b = await startSimulator({ port: 0, logger: silent, maxActionLog: 1000 });
  const common = { database: { path: dbPath }, device_relay: { servers: ['a', 'b'] }, log: { level: 'warn' } };
  const children: ChildProcess[] = [];
  try {
    children.push(
      await startChild('device-relay-worker.js', 'AMIQ_RELAY_CONFIG', { ...common, server: { name: 'a' }, ami: { port: a.port, secret: 'amiq' } }, 'converged'),
    );
    children.push(
      await startChild(
        'queue-sender.js',
        'AMIQ_SENDER_CONFIG',
        { ...common, server: { name: 'b' }, ami: { port: b.port, secret: 'amiq' }, action_sender: { rate_per_second: 0, max_in_flight: 100 } },
        'connected',
      ),
    );
    console.log(
      `device relay: A's DeviceStateChange → B's SetVar DEVICE_STATE(Custom:…) answered (SQLite, relay and sender in their own processes, ${DEVICES} devices):`,
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
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [secs, ...rates] = process.argv.slice(2).map(Number);
  await run(secs || undefined, rates.length > 0 ? rates : undefined);
}

/**
 * Device relay benchmark: server A's device state change → server B's SetVar of
 * DEVICE_STATE(Custom:…) answered, through the queue. The relay for A and B's action-sender run
 * in processes of their own on one fresh database (as `amiq run` would) of each engine in turn
 * (engine-db.ts); both simulators run here, so one clock times both ends. Changes are offered at a
 * steady rate, round-robin over 1,000 devices (each toggles INUSE / NOT_INUSE), for a few seconds
 * per rate. Runnable alone: `node dist/bench/device-relay.js [--engine E] [seconds] [rate...]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import type { Engine } from '../src/shared/db/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { ENGINES, freshDatabase, isEngine, unreachable } from './engine-db.js';
import { partArgs, report } from './report.js';

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

const ENGINE_NAMES: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' };

export async function run(engine: Engine, seconds = 5, rates: number[] = [100, 1000]): Promise<void> {
  const scratch = await freshDatabase(engine);
  const handle = scratch.handle;
  const engineName = ENGINE_NAMES[engine];
  const silent = pino({ level: 'silent' });
  const a = await startSimulator({ port: 0, logger: silent, maxActionLog: 1000 });
  const b = await startSimulator({ port: 0, logger: silent, maxActionLog: 1000 });
  const common = {
    database: { path: scratch.target.path || 'unused.db', url: scratch.target.url ?? '', poll_interval_ms: 5 },
    device_relay: { servers: ['a', 'b'] },
    log: { level: 'warn' },
  };
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
      `device relay: A's DeviceStateChange → B's SetVar DEVICE_STATE(Custom:…) answered (${engineName}, relay and sender in their own processes, ${DEVICES} devices):`,
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
      const name = `${engineName}: A's state change → B's SetVar answered at ${rate} changes/s`;
      report({ suite: 'device-relay', name: `${name}, p50`, value: pct(lat, 50), unit: 'ms' });
      report({
        suite: 'device-relay',
        name: `${name}, p99`,
        value: pct(lat, 99),
        unit: 'ms',
        ...(rate === 1000 ? { target: { op: '<=' as const, value: 50 } } : {}),
      });
    }
  } finally {
    for (const c of children) await stopChild(c);
    await a.close();
    await b.close();
    await scratch.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // [--engine sqlite|postgres|mysql] [seconds] [rate...]; without --engine, every engine that answers, side by side.
  const args = partArgs();
  const at = args.indexOf('--engine');
  const asked = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (asked !== undefined && !isEngine(asked)) throw new Error(`--engine ${asked}: expected one of ${ENGINES.join(', ')}`);
  const [secs, ...rates] = args.map(Number);
  for (const engine of asked !== undefined ? [asked] : ENGINES) {
    const why = await unreachable(engine);
    if (why !== undefined) {
      console.log(`device relay on ${ENGINE_NAMES[engine]}: skipped, its server does not answer (${why})`);
      continue;
    }
    await run(engine, secs || undefined, rates.length > 0 ? rates : undefined);
  }
}

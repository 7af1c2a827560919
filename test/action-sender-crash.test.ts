import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';
import { silent, until } from './helpers/action-sender-helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const ROWS = 3000;

/** The sender in its own process (dist/bench/queue-sender.js); resolves once it is logged in. */
async function spawnSender(sim: Simulator, dbPath: string): Promise<ChildProcess> {
  const config = {
    database: { path: dbPath },
    ami: { port: sim.port, secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 100 },
    action_sender: { rate_per_second: 0, max_in_flight: 50, response_timeout_ms: 3000 },
    log: { level: 'error' },
  };
  const child = spawn(process.execPath, ['dist/bench/queue-sender.js'], {
    cwd: ROOT,
    env: { ...process.env, AMIQ_SENDER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (l) => l === 'connected' && resolve());
    child.once('exit', (code) => reject(new Error(`sender exited early (${code})`)));
  });
  return child;
}

describe('kill -9 of the sender under load', () => {
  let sim: Simulator;
  let t: TestDb;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    // `npm test` builds first; rebuilding here would rewrite dist under other files' running CLIs.
    for (const f of ['dist/bench/queue-sender.js', 'dist/bench/queue-inserter.js']) expect(existsSync(`${ROOT}${f}`), 'npm run build').toBe(true);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await sim?.close();
    await t?.cleanup();
  });

  it('after a restart every row is terminal and Asterisk saw no ActionID twice', async () => {
    sim = await startSimulator({ port: 0, logger: silent, maxActionLog: 100_000 });
    t = await openTestDb();
    // Responses take a little while, so rows are in flight (SENT) when the kill comes.
    sim.faults.delayResponses(5);
    const first = await spawnSender(sim, t.path);
    children.push(first);
    const inserter = spawn(process.execPath, ['dist/bench/queue-inserter.js', t.path, 'burst', String(ROWS), '20'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(inserter);
    const rowActions = () => sim.actions.filter((a) => a.actionId?.startsWith('amiq-') && !a.actionId.startsWith('amiq-sender-')).length;
    await until(() => rowActions() >= 300, '300 rows sent before the kill', 30_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = await t.db
      .selectFrom('manager_queue')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();

    // The simulator answers one action at a time, so its delay would only slow the rest down.
    sim.faults.delayResponses(null);
    const second = await spawnSender(sim, t.path);
    children.push(second);
    if (inserter.exitCode === null) await once(inserter, 'exit');
    await until(
      async () => {
        const open = await t.db
          .selectFrom('manager_queue')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'in', ['NEW', 'SENDING', 'SENT'])
          .executeTakeFirstOrThrow();
        return open.n === 0;
      },
      'every row terminal',
      60_000,
    );
    second.kill('SIGTERM');
    await once(second, 'exit');

    const rows = await t.db.selectFrom('manager_queue').select(['id', 'status', 'action_id']).execute();
    expect(rows).toHaveLength(ROWS);
    const seen = new Map<string, number>();
    for (const a of sim.actions) if (a.actionId) seen.set(a.actionId, (seen.get(a.actionId) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const r of rows) {
      expect(['SUCCESS', 'LOST']).toContain(r.status);
      if (r.status === 'SUCCESS') expect(seen.get(r.action_id!)).toBe(1);
    }
    // Rows caught in flight by the kill are LOST, never re-sent; everything else got through.
    const lost = rows.filter((r) => r.status === 'LOST').length;
    const sentAtKill = atKill.find((s) => s.status === 'SENT')?.n ?? 0;
    expect(sentAtKill).toBeGreaterThan(0);
    expect(lost).toBe(sentAtKill);
  }, 120_000);
});

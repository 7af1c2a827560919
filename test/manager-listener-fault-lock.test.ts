import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runActionSender } from '../src/action-sender/index.js';
import { runManagerListener } from '../src/manager-listener/index.js';
import { defaultConfig, type AmiqConfig } from '../src/shared/config/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { enqueue } from '../src/shared/queue/index.js';
import { runWorker, type WorkerContext } from '../src/shared/worker/index.js';
import { startSimulator, type CallEndedInfo, type Simulator } from '../src/simulator/index.js';
import { expectPromptReplies, spawnHeartbeat, startProber } from './helpers/heartbeat-prober.js';
import { silent } from './helpers/manager-listener-helpers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

// Issue 13's fault test: another process holds the database's write lock for 10 s while 200
// calls progress and end. Afterwards every row says what the PBX did (nothing dropped), and
// during the lock the heartbeat (its own process, as `amiq run heartbeat` runs) answered every
// request within 10 ms: no database wait sits on the event loop that answers UDP.
// Spawns the built CLI (npm test builds first; alone: npx tsc -p tsconfig.build.json).
const LOCK_MS = 10_000;
const TIME_SCALE = 0.4;

/** What each kind of call must end as (the simulator's dialplan, SPEC §11). */
const KINDS = [
  { exten: '100', params: {}, want: { call_state: 'ENDED', call_reason: 4, hangup_cause: 16 } },
  { exten: '400', params: {}, want: { call_state: 'FAILED', call_reason: 5, hangup_cause: 17 } },
  { exten: '401', params: {}, want: { call_state: 'FAILED', call_reason: 8, hangup_cause: 34 } },
  { exten: '500', params: { Timeout: '3000' }, want: { call_state: 'FAILED', call_reason: 3, hangup_cause: 19 } },
] as const;

let sim: Simulator;
let t: TestDb;
let dir: string;
const cleanups: Array<() => Promise<unknown> | void> = [];
beforeEach(async () => {
  sim = await startSimulator({ port: 0, timeScale: TIME_SCALE, logger: silent });
  t = await openTestDb();
  dir = mkdtempSync(join(tmpdir(), 'amiq-fault-lock-'));
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await sim.close();
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker of this process under runWorker (so it beats), stopped at cleanup. */
function startWorker(name: string, run: (ctx: WorkerContext) => Promise<void>): void {
  const stop = new AbortController();
  const done = runWorker({ name, server: 'default', db: t.db, logger: silent, beatSeconds: 0.5, handleProcessEvents: false, signal: stop.signal, run });
  cleanups.push(async () => {
    stop.abort();
    await done;
  });
}

describe('fault: the database write-locked for 10 s while 200 calls progress and end', () => {
  it('every row ends as the PBX did, and heartbeat replies kept coming within 10 ms', { timeout: 40_000 }, async () => {
    const config: AmiqConfig = defaultConfig();
    config.ami = { ...config.ami, host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 200 };
    config.action_sender.rate_per_second = 0;
    config.action_sender.max_in_flight = 0;
    config.manager_listener.event_log = 'all';

    // The heartbeat, its own process (as `amiq run heartbeat`), beating every 0.5 s.
    const probe = await startProber();
    cleanups.push(() => probe.close());
    const heartbeat = await spawnHeartbeat({ dir, dbPath: t.path, replyPort: probe.replyPort, ami: { host: sim.host, port: sim.port } });
    cleanups.push(() => heartbeat.stop());

    // Listener and sender in this process, as `amiq start` runs them.
    let listenerUp!: () => void;
    const listening = new Promise<void>((r) => (listenerUp = r));
    startWorker('manager-listener', (ctx) =>
      runManagerListener({
        config,
        db: t.db,
        logger: silent,
        signal: ctx.signal,
        ctx,
        onStarted: (_l, client) => void client.waitConnected(5_000).then(listenerUp),
      }),
    );
    await listening;
    startWorker('action-sender', (ctx) => runActionSender({ config, db: t.db, logger: silent, signal: ctx.signal, ctx }));

    const ended = new Map<string, CallEndedInfo & { at: number }>();
    sim.on('call-ended', (c) => ended.set(c.uniqueid, { ...c, at: Date.now() }));
    const rows: Array<{ id: number; kind: (typeof KINDS)[number] }> = [];
    let originates = 0;
    const allSent = new Promise<void>((r) =>
      sim.on('action', (a) => {
        if (a.action === 'Originate' && ++originates === 200) r();
      }),
    );
    for (let i = 0; i < 200; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const callerid = `M26120600000000${String(i).padStart(5, '0')}`;
      const id = await enqueue(t.db, {
        action: 'Originate',
        channel: `Local/${kind.exten}@default`,
        callerid,
        params: { Exten: '300', Context: 'default', Priority: '1', ...kind.params },
      });
      rows.push({ id, kind });
    }
    await allSent;

    // Another process's write lock, taken once the PBX has every Originate.
    const other = new BetterSqlite3(t.path);
    cleanups.push(() => {
      other.close();
    });
    other.exec('BEGIN IMMEDIATE');
    const lockedAt = Date.now();
    probe.start(heartbeat.port);
    await new Promise((r) => setTimeout(r, LOCK_MS));
    const latencies = await probe.stop();
    const unlockedAt = Date.now();
    other.exec('COMMIT');

    // The calls progressed and ended inside the lock.
    const endedInLock = [...ended.values()].filter((c) => c.at >= lockedAt && c.at <= unlockedAt);
    expect(endedInLock.length).toBeGreaterThanOrEqual(200);

    // The heartbeat answered all along (before, its beats held its event loop 5 s at a time).
    expectPromptReplies(latencies, LOCK_MS);

    // After the lock, the rows converge to what the PBX did.
    const final = (r: QueueRow) => r.status === 'SUCCESS' && (r.call_state === 'ENDED' || r.call_state === 'FAILED') && r.hangup_cause !== null;
    const deadline = Date.now() + 10_000;
    let got: QueueRow[] = [];
    while (Date.now() < deadline) {
      got = await t.db.selectFrom('manager_queue').selectAll().where('action', '=', 'Originate').orderBy('id').execute();
      if (got.every(final)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const byId = new Map(got.map((r) => [r.id, r]));
    for (const { id, kind } of rows) {
      const r = byId.get(id)!;
      expect({ id, status: r.status, call_state: r.call_state, call_reason: r.call_reason, hangup_cause: r.hangup_cause }).toEqual({
        id,
        status: 'SUCCESS',
        ...kind.want,
      });
      // The very channel the simulator hung up, and a cause it gave that call (;2's for a busy one).
      const mine = ended.get(r.uniqueid!);
      expect(mine?.channel, `row ${id}: uniqueid ${r.uniqueid}`).toBe(r.call_channel);
      const causes = [...ended.values()].filter((c) => c.linkedid === mine!.linkedid).map((c) => c.cause);
      expect(causes).toContain(r.hangup_cause);
    }
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../src/shared/queue/index.js';
import { isoNow } from '../src/shared/time.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';
import { silent, startRealSender, until } from './helpers/action-sender-helpers.js';

// Rows fall due while another process holds the write lock. The sender's claim (which commits
// SENT before anything is written) must neither go ahead nor hold its event loop: that loop
// reads AMI, and a stalled loop missed its keepalive's Pong and dropped the connection.
const LOCK_MS = 2_000;

let sim: Simulator;
let t: TestDb;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
  t = await openTestDb();
});
afterEach(async () => {
  await sim.close();
  await t.cleanup();
});

describe('action-sender with the database write-locked by another process', () => {
  it('claims nothing while locked, keeps reading AMI, then sends each row once', { timeout: 20_000 }, async () => {
    const sender = await startRealSender(t, sim.port, (c) => {
      c.ami.ping_interval_ms = 100;
      c.ami.ping_timeout_ms = 300;
    });
    try {
      let disconnects = 0;
      sim.on('disconnect', () => disconnects++);
      const due = isoNow(Date.now() + 300);
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) ids.push(await enqueue(t.db, { action: 'Ping', channel: null, callerid: null, not_before: due }));
      const other = new BetterSqlite3(t.path);
      other.exec('BEGIN IMMEDIATE');
      // The longest the event loop stood still: the gaps between 10 ms ticks.
      let last = performance.now();
      let stalled = 0;
      const tick = setInterval(() => {
        stalled = Math.max(stalled, performance.now() - last);
        last = performance.now();
      }, 10);
      await new Promise((r) => setTimeout(r, LOCK_MS));
      clearInterval(tick);
      stalled = Math.max(stalled, performance.now() - last);
      const pingsInLock = sim.actionCount('Ping');
      other.exec('COMMIT');
      other.close();

      // Nothing was claimed, so nothing written, and the connection lived on.
      const rows = await t.db.selectFrom('manager_queue').select(['id', 'status']).execute();
      expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'NEW'));
      expect(disconnects).toBe(0);
      // The loop never stood still for anything like the 5 s busy timeout (nor the 300 ms keepalive).
      expect(stalled).toBeLessThan(1000);
      expect(pingsInLock).toBeGreaterThan(0); // keepalive Pings kept going

      await until(async () => (await t.db.selectFrom('manager_queue').select('status').execute()).every((r) => r.status === 'SUCCESS'), 'every row answered');
      const actionIds = await t.db.selectFrom('manager_queue').select('action_id').execute();
      for (const { action_id } of actionIds) expect(sim.actions.filter((a) => a.actionId === action_id)).toHaveLength(1);
      expect(disconnects).toBe(0);
    } finally {
      await sender.stop();
    }
  });
});

import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { WakeSignal } from '../src/shared/db/index.js';
import { PollSignal } from '../src/shared/db/mysql/poll-signal.js';
import { claimRows, releaseRows } from '../src/shared/queue/index.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';

/**
 * The wake-up seam on the server engines: a row written by any client (here a raw driver
 * connection, as psql or a PHP script would write it) wakes a waiting sender. The bounds are
 * generous: they only keep a broken signal from hanging the test.
 */
const WAIT = { timeoutMs: 5_000 };

describeEngines(
  'wake-up on PostgreSQL: LISTEN/NOTIFY',
  (t) => {
    let signal: WakeSignal;
    let client: pg.Client;
    beforeEach(async () => {
      signal = t.handle.wakeSignal({ server: 'default' });
      await signal.ready;
      client = new pg.Client({ connectionString: t.url });
      await client.connect();
    });
    afterEach(async () => {
      await signal.close();
      await client.end();
    });

    it("a plain INSERT from another connection wakes the waiter; another server's row does not", async () => {
      let changes = 0;
      signal.on('change', () => changes++);
      await client.query(`INSERT INTO manager_queue (server, action) VALUES ('other', 'Ping')`);
      const woke = signal.next(WAIT);
      await client.query(`INSERT INTO manager_queue (action) VALUES ('Ping')`);
      expect(await woke).toBe(true);
      expect(changes).toBe(1); // notifications arrive in commit order: the other server's came first, unseen
    });

    it('a row released back to NEW wakes it too (UPDATE of status)', async () => {
      await client.query(`INSERT INTO manager_queue (action, status) VALUES ('Ping', 'SENDING')`);
      const woke = signal.next(WAIT);
      await client.query(`UPDATE manager_queue SET status = 'NEW'`);
      expect(await woke).toBe(true);
    });

    it('recovers after its connection is killed: wakes once on reconnect, then on the next INSERT', async () => {
      const reconnected = signal.next(WAIT);
      const killed = await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
      expect(killed.rowCount).toBe(1);
      expect(await reconnected).toBe(true);
      const woke = signal.next(WAIT);
      await client.query(`INSERT INTO manager_queue (action) VALUES ('Ping')`);
      expect(await woke).toBe(true);
    });
  },
  SERVER_ENGINES.filter((e) => e === 'postgres'),
);

describeEngines(
  'wake-up on MySQL/MariaDB: an indexed poll',
  (t) => {
    it('a plain INSERT from another connection wakes the waiter within a few poll intervals (20 ms here)', async () => {
      const signal = t.handle.wakeSignal({ server: 'default' });
      const client = await createConnection({ uri: t.url });
      try {
        await signal.ready;
        const woke = signal.next(WAIT);
        await client.query(`INSERT INTO manager_queue (action) VALUES ('Ping')`);
        expect(await woke).toBe(true);
      } finally {
        await signal.close();
        await client.end();
      }
    });

    it("fewer NEW rows (the sender's own claim) wake no one; a row released back does", async () => {
      const signal = t.handle.wakeSignal({ server: 'default' });
      const client = await createConnection({ uri: t.url });
      try {
        await signal.ready;
        const woke = signal.next(WAIT);
        await client.query(`INSERT INTO manager_queue (action) VALUES ('Ping')`);
        expect(await woke).toBe(true);
        const claimedWakes = signal.next({ timeoutMs: 300 });
        const [row] = await claimRows(t.db, { server: 'default', limit: 1, ttlSeconds: 60 });
        expect(await claimedWakes).toBe(false);
        const releasedWakes = signal.next(WAIT);
        await releaseRows(t.db, [row!.id]);
        expect(await releasedWakes).toBe(true);
      } finally {
        await signal.close();
        await client.end();
      }
    });

    it('while rows keep coming it looks five times as often: the next row is seen well before the quiet interval', async () => {
      const QUIET_MS = 1500;
      const signal = new PollSignal(t.db, { server: 'default', intervalMs: QUIET_MS });
      const client = await createConnection({ uri: t.url });
      try {
        await signal.ready;
        const first = signal.next(WAIT);
        await client.query(`INSERT INTO manager_queue (action) VALUES ('Ping')`);
        expect(await first).toBe(true);
        // Looks every 300 ms now; a missed speed-up would wait for the 1,500 ms one.
        const second = signal.next({ timeoutMs: QUIET_MS - 300 });
        await client.query(`INSERT INTO manager_queue (action) VALUES ('Ping')`);
        expect(await second).toBe(true);
      } finally {
        signal.close();
        await client.end();
      }
    });
  },
  SERVER_ENGINES.filter((e) => e === 'mysql'),
);

import { expect, it } from 'vitest';
import type { AmiqDatabase } from '../src/shared/db/index.js';
import { cancelRow, claimRows, enqueue } from '../src/shared/queue/index.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

/**
 * On the server engines two senders (or a sender and a client) work on one table from separate
 * connections. A claim held open in a transaction stands for a claimer caught mid-claim: the
 * other side must finish while it is still open (were it blocked, the test would hang).
 */
describeEngines(
  'the claim across connections',
  (t) => {
    const claimIn = (db: AmiqDatabase['db'], limit: number) => claimRows(db, { server: 'default', limit, ttlSeconds: 60 });

    /** Runs `during` while a claim of `limit` rows is held uncommitted on another connection. */
    async function duringOpenClaim<T>(limit: number, during: () => Promise<T>): Promise<{ held: number[]; result: T }> {
      const other = await t.openAnother();
      try {
        // READ COMMITTED, as the claim's own short transaction on MySQL (PostgreSQL's default).
        return await other.db
          .transaction()
          .setIsolationLevel('read committed')
          .execute(async (trx) => {
            const held = (await claimIn(trx, limit)).map((r) => r.id);
            return { held, result: await during() };
          });
      } finally {
        await other.close();
      }
    }

    it('a second claimer skips the rows the first holds, without waiting for it', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) ids.push(await enqueue(t.db, { action: 'Ping' }));
      const { held, result } = await duringOpenClaim(2, () => claimIn(t.db, 10));
      expect(held).toEqual(ids.slice(0, 2));
      expect(result.map((r) => r.id)).toEqual(ids.slice(2));
      for (const id of ids) expect((await rowById(t.db, id)).status).toBe('SENDING');
    });

    it('a client cancelling a row the claim holds finds it taken; another NEW row cancels at once', async () => {
      const taken = await enqueue(t.db, { action: 'Ping' });
      const free = await enqueue(t.db, { action: 'Ping' });
      let cancelTaken: Promise<boolean> | undefined;
      const { held, result } = await duringOpenClaim(1, async () => {
        cancelTaken = cancelRow(t.db, taken); // waits for the claim's commit, then sees SENDING
        return cancelRow(t.db, free);
      });
      expect(held).toEqual([taken]);
      expect(result).toBe(true);
      expect(await cancelTaken).toBe(false);
      expect((await rowById(t.db, taken)).status).toBe('SENDING');
      expect((await rowById(t.db, free)).status).toBe('CANCELLED');
    });

    it('two claimers racing over 300 rows take each row exactly once', async () => {
      await t.db
        .insertInto('manager_queue')
        .values(Array.from({ length: 300 }, () => ({ action: 'Ping' })))
        .execute();
      const other = await t.openAnother();
      try {
        const drain = async (db: AmiqDatabase['db']) => {
          const got: number[] = [];
          for (;;) {
            const rows = await claimIn(db, 7);
            if (rows.length === 0) return got;
            got.push(...rows.map((r) => r.id));
          }
        };
        const [a, b] = await Promise.all([drain(t.db), drain(other.db)]);
        const all = [...a, ...b];
        expect(new Set(all).size).toBe(300);
        expect(all).toHaveLength(300);
        expect(a.length).toBeGreaterThan(0);
        expect(b.length).toBeGreaterThan(0);
      } finally {
        await other.close();
      }
    });
  },
  SERVER_ENGINES,
);

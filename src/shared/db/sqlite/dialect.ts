import { sql, type Kysely } from 'kysely';
import { claimCandidates } from '../claim-candidates.js';
import type { AmiqDialect } from '../dialect.js';
import type { Database } from '../schema.js';
import { withSqliteBusyTimeout } from './busy.js';
import { immediateTransactionAsync } from './immediate-transaction.js';
import { instantMs, laterMs, timeUnreadable } from './queue-time-sql.js';

/** SQLite: one writer at a time, so the claim needs no row locks; times are client text. */
export const sqliteDialect: AmiqDialect = {
  engine: 'sqlite',
  instantMs,
  laterMs,
  timeUnreadable,
  timeText: (column) => sql<string>`${sql.ref(column)}`,
  concat: (...parts) => sql<string>`(${sql.join(parts, sql` || `)})`,

  claim: (db, filter, limit) =>
    db
      .updateTable('manager_queue')
      .set({ status: 'SENDING' })
      .where('status', '=', 'NEW')
      .where('id', 'in', claimCandidates(db, filter, limit))
      .returningAll()
      .execute(),

  updateReturningIds: async (db, filter, set) => {
    const rows = await db.updateTable('manager_queue').set(set).where(filter).returning('id').execute();
    return rows.map((r) => r.id);
  },

  insertId: async (query) => {
    const row = (await query.returning('id' as never).executeTakeFirstOrThrow()) as { id: number };
    return row.id;
  },

  upsert: async (db, table, values, key, set) => {
    await (db as Kysely<any>)
      .insertInto(table)
      .values(values)
      .onConflict((oc) => oc.columns(key as string[]).doUpdateSet(set as never))
      .execute();
  },

  insertOrUpdateIf: async (db, table, values, key, change) => {
    const result = await (db as Kysely<any>)
      .insertInto(table)
      .values(values)
      .onConflict((oc) => {
        const target = oc.columns(key as string[]);
        return change === undefined ? target.doNothing() : target.doUpdateSet(change.set as never).where(change.onlyIf as never);
      })
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  },

  // The write lock is the whole database's, so the key needs no lock of its own.
  writeTransaction: (db, _lockKey, fn) => (db.isTransaction ? fn(db) : immediateTransactionAsync(db as Kysely<Database>, fn)),
  withLockWait: withSqliteBusyTimeout,
  transactionWithLockWait: (db, ms, fn) => (db.isTransaction ? fn(db) : withSqliteBusyTimeout(db, ms, (conn) => conn.transaction().execute(fn))),
  placeholder: () => '?',
  bindTime: (iso) => iso,
  records: (rows, alias, columns) =>
    sql`(SELECT ${sql.join(Object.keys(columns).map((c) => sql`value ->> ${`$.${c}`} AS ${sql.ref(c)}`))} FROM json_each(${JSON.stringify(rows)})) AS ${sql.ref(alias)}`,
  updateFrom: async (db, table, from, on, set, where) => {
    const res = await sql`UPDATE ${sql.table(table)} SET ${set} FROM ${from} WHERE ${on} AND (${where})`.execute(db);
    return Number(res.numAffectedRows ?? 0n);
  },
  seesEarlierAssignments: false,
  forUpdate: (qb) => qb,
  writeBatch: (db, fn, lockWaitMs) => immediateTransactionAsync(db, fn, lockWaitMs === undefined ? {} : { busyTimeoutMs: lockWaitMs }),
};

import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { claimCandidates } from '../claim-candidates.js';
import type { AmiqDialect } from '../dialect.js';
import { rawTransaction } from '../raw-transaction.js';
import type { Database, QueueRow } from '../schema.js';
import { toMysqlTime } from './time-params-plugin.js';

/** A short READ COMMITTED transaction (rows a locking read passes over are not kept locked). */
function shortTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().setIsolationLevel('read committed').execute(fn);
}

/**
 * MySQL 8 / MariaDB >= 10.6: DATETIME(3) in UTC, no RETURNING on UPDATE, `||` is OR. The claim
 * is one short transaction: SELECT … FOR UPDATE SKIP LOCKED, then UPDATE those rows.
 */
export const mysqlDialect: AmiqDialect = {
  engine: 'mysql',
  // TIMESTAMPDIFF, not UNIX_TIMESTAMP: the latter ends in 2038 on MariaDB and reads the session zone.
  instantMs: (column) => sql<number | null>`(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ${sql.ref(column)}) DIV 1000)`,
  laterMs: (a, b) => sql<number | null>`GREATEST(${a}, ${b})`,
  timeUnreadable: () => sql<boolean>`FALSE`,
  timeText: (column) => sql<string>`CONCAT(LEFT(DATE_FORMAT(${sql.ref(column)}, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')`,
  concat: (...parts) => sql<string>`CONCAT(${sql.join(parts)})`,

  claim: (db, filter, limit) =>
    shortTransaction(db, async (trx) => {
      const picked = await claimCandidates(trx, filter, limit).forUpdate().skipLocked().execute();
      if (picked.length === 0) return [];
      const ids = picked.map((r) => r.id);
      await trx.updateTable('manager_queue').set({ status: 'SENDING' }).where('id', 'in', ids).execute();
      return (await trx.selectFrom('manager_queue').selectAll().where('id', 'in', ids).execute()) as QueueRow[];
    }),

  updateReturningIds: (db, filter, set) =>
    shortTransaction(db, async (trx) => {
      const ids = (await trx.selectFrom('manager_queue').select('id').where(filter).forUpdate().execute()).map((r) => r.id);
      if (ids.length > 0) await trx.updateTable('manager_queue').set(set).where('id', 'in', ids).execute();
      return ids;
    }),

  insertId: async (query) => Number((await query.executeTakeFirstOrThrow()).insertId),

  upsert: async (db, table, values, _key, set) => {
    await (db as Kysely<any>)
      .insertInto(table)
      .values(values)
      .onDuplicateKeyUpdate(set as never)
      .execute();
  },

  // No ON DUPLICATE KEY UPDATE … WHERE: the existing row is locked and tested, then updated; two
  // inserts of one new key race on the primary key, and the loser writes nothing.
  insertOrUpdateIf: (db, table, values, key, change) =>
    shortTransaction(db, async (trx) => {
      const t = trx as Kysely<any>;
      const name: string = table;
      const byKey = (qb: any) => key.reduce((q, k) => q.where(k, '=', values[k]), qb);
      const existing = await byKey(t.selectFrom(name).select(key as string[]))
        .forUpdate()
        .executeTakeFirst();
      if (existing === undefined) {
        try {
          await t.insertInto(name).values(values).execute();
          return true;
        } catch (err) {
          if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return false;
          throw err;
        }
      }
      if (change === undefined) return false;
      const res = await byKey(t.updateTable(name).set(change.set)).where(change.onlyIf).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    }),

  // GET_LOCK is the connection's, so the transaction and both lock calls share one connection.
  writeTransaction: (db, lockKey, fn) => {
    const name = `amiq:${createHash('sha1').update(lockKey).digest('hex')}`;
    const locked = async (conn: Kysely<Database>) => {
      const got = await sql<{ ok: number | null }>`SELECT GET_LOCK(${name}, 10) AS ok`.execute(conn);
      if (got.rows[0]?.ok !== 1) throw new Error(`could not take the lock for ${lockKey} within 10 s`);
      try {
        return await rawTransaction(conn, sql`START TRANSACTION`, fn);
      } finally {
        await sql`SELECT RELEASE_LOCK(${name})`.execute(conn);
      }
    };
    return db.isTransaction ? fn(db) : db.connection().execute(locked);
  },

  withLockWait: (db, ms, fn) => (db.isTransaction ? withSessionLockWait(db, ms, fn) : db.connection().execute((conn) => withSessionLockWait(conn, ms, fn))),
  // No transaction-local lock wait in MySQL: the session's, set before and reset after. READ
  // COMMITTED, as the claim wants: under REPEATABLE READ its locking read also locks the gaps it
  // scans, and clients' inserts and the sender's own recordings then deadlock with it.
  transactionWithLockWait: (db, ms, fn) => mysqlDialect.writeBatch(db, fn, ms),

  placeholder: () => '?',
  bindTime: toMysqlTime,
  // JSON_TABLE: MySQL 8, MariaDB >= 10.6. Times go in as MySQL's own UTC text.
  records: (rows, alias, columns) => {
    const types = { int: sql`BIGINT`, text: sql`VARCHAR(1024)`, time: sql`DATETIME(3)` };
    const times = Object.keys(columns).filter((c) => columns[c] === 'time');
    const json = times.length === 0 ? rows : rows.map((r) => ({ ...r, ...Object.fromEntries(times.map((c) => [c, toMysqlTime(r[c])])) }));
    const defs = Object.entries(columns).map(([c, t]) => sql`${sql.ref(c)} ${types[t]} PATH ${sql.lit(`$.${c}`)}`);
    return sql`JSON_TABLE(${JSON.stringify(json)}, '$[*]' COLUMNS (${sql.join(defs)})) AS ${sql.ref(alias)}`;
  },
  updateFrom: async (db, table, from, on, set, where) => {
    const res = await sql`UPDATE ${sql.table(table)} JOIN ${from} ON ${on} SET ${set} WHERE ${where}`.execute(db);
    return Number(res.numAffectedRows ?? 0n);
  },
  seesEarlierAssignments: true,
  forUpdate: (qb) => qb.forUpdate(),

  writeBatch: (db, fn, lockWaitMs) => {
    if (lockWaitMs === undefined) return shortTransaction(db, fn);
    return db.isTransaction ? fn(db) : db.connection().execute((conn) => withSessionLockWait(conn, lockWaitMs, (c) => shortTransaction(c, fn)));
  },
};

/**
 * innodb_lock_wait_timeout counts whole seconds, and MySQL's least is 1: a row lock is waited
 * for 1 s at most. The wait is async (the event loop goes on reading AMI); only this write waits.
 */
async function withSessionLockWait<T>(conn: Kysely<Database>, ms: number, fn: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  await sql`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`.execute(conn);
  try {
    return await fn(conn);
  } finally {
    await sql`SET SESSION innodb_lock_wait_timeout = DEFAULT`.execute(conn).catch(() => undefined);
  }
}

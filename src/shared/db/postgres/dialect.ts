import { sql, type Kysely } from 'kysely';
import { claimCandidates } from '../claim-candidates.js';
import type { AmiqDialect } from '../dialect.js';
import { sqliteDialect } from '../sqlite/dialect.js';
import type { Database } from '../schema.js';

/**
 * PostgreSQL: times are timestamptz (no text to misread), the claim locks its candidates with
 * SKIP LOCKED inside the one UPDATE, and a write transaction serialises on an advisory lock.
 */
export const postgresDialect: AmiqDialect = {
  engine: 'postgres',
  instantMs: (column) => sql<number | null>`(floor(extract(epoch from ${sql.ref(column)}) * 1000)::bigint)`,
  laterMs: (a, b) => sql<number | null>`greatest(${a}, ${b})`,
  timeUnreadable: () => sql<boolean>`false`,
  timeText: (column) => sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  concat: (...parts) =>
    sql<string>`(${sql.join(
      parts.map((p) => sql`${p}::text`),
      sql` || `,
    )})`,

  // The candidates are picked once, in a MATERIALIZED CTE: as `id IN (subquery … LIMIT)` the
  // planner may run the subquery again per row and claim more than the limit. The outer status
  // test re-checks each row once locked.
  claim: (db, filter, limit) =>
    db
      .with(
        (cte) => cte('picked').materialized(),
        (qb) => claimCandidates(qb, filter, limit).forUpdate().skipLocked(),
      )
      .updateTable('manager_queue')
      .set({ status: 'SENDING' })
      .where('status', '=', 'NEW')
      .where('id', 'in', (qb) => qb.selectFrom('picked').select('picked.id'))
      .returningAll()
      .execute(),

  updateReturningIds: sqliteDialect.updateReturningIds,
  insertId: sqliteDialect.insertId,
  upsert: sqliteDialect.upsert,
  insertOrUpdateIf: sqliteDialect.insertOrUpdateIf,

  writeTransaction: (db, lockKey, fn) => {
    const locked = async (trx: Kysely<Database>) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${lockKey}))`.execute(trx);
      return fn(trx);
    };
    return db.isTransaction ? locked(db) : db.transaction().execute(locked);
  },

  // lock_timeout 0 would mean "wait for ever": a wait is at least 1 ms.
  withLockWait: (db, ms, fn) => {
    if (db.isTransaction) return setLockTimeout(db, ms, true).then(() => fn(db));
    return db.connection().execute(async (conn) => {
      await setLockTimeout(conn, ms, false);
      try {
        return await fn(conn);
      } finally {
        // A dropped connection fails this too; the statement's own error is the one to report.
        await sql`SET lock_timeout TO DEFAULT`.execute(conn).catch(() => undefined);
      }
    });
  },

  transactionWithLockWait: (db, ms, fn) => postgresDialect.writeBatch(db, fn, ms),

  placeholder: (n) => `$${n + 1}`,
  bindTime: (iso) => iso,
  records: (rows, alias, columns) => {
    const types = { int: sql`bigint`, text: sql`text`, time: sql`timestamptz` };
    const defs = Object.entries(columns).map(([c, t]) => sql`${sql.ref(c)} ${types[t]}`);
    return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ${sql.ref(alias)}(${sql.join(defs)})`;
  },
  updateFrom: sqliteDialect.updateFrom,
  seesEarlierAssignments: false,
  forUpdate: (qb) => qb.forUpdate(),

  writeBatch: (db, fn, lockWaitMs) => {
    const body = async (trx: Kysely<Database>) => {
      if (lockWaitMs !== undefined) await setLockTimeout(trx, lockWaitMs, true);
      return fn(trx);
    };
    return db.isTransaction ? body(db) : db.transaction().execute(body);
  },
};

/** lock_timeout for the session, or (`local`) until the transaction ends. */
async function setLockTimeout(db: Kysely<Database>, ms: number, local: boolean): Promise<void> {
  await sql`SELECT set_config('lock_timeout', ${`${Math.max(1, Math.ceil(ms))}ms`}, ${local})`.execute(db);
}

import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { rawTransaction } from '../raw-transaction.js';

/**
 * Runs synchronous `fn` in `BEGIN IMMEDIATE`: the write lock is taken first, so a
 * read-then-write (check a row, then claim it) cannot interleave with another process.
 * SQLite-only: PostgreSQL would use `SELECT ... FOR UPDATE` instead.
 */
export function immediateTransaction<T>(sqlite: BetterSqlite3.Database, fn: () => T): T {
  return sqlite.transaction(fn).immediate();
}

/**
 * The same for kysely queries: holds kysely's single SQLite connection for the whole
 * transaction, so no other query of this process slips in between.
 */
export async function immediateTransactionAsync<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute((conn) => rawTransaction(conn, sql`BEGIN IMMEDIATE`, fn));
}

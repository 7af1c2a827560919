import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { rawTransaction } from '../raw-transaction.js';
import { swapBusyTimeout } from './busy.js';

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
 * transaction, so no other query of this process slips in between. With `busyTimeoutMs`, the
 * write lock is waited for that long at most (instead of the connection's 5 s) and BEGIN throws
 * SQLITE_BUSY (isBusy) past it; once the lock is held nothing else in the transaction waits.
 */
export async function immediateTransactionAsync<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>, opts: { busyTimeoutMs?: number } = {}): Promise<T> {
  return db.connection().execute(async (conn) => {
    if (opts.busyTimeoutMs === undefined) return rawTransaction(conn, sql`BEGIN IMMEDIATE`, fn);
    const prev = await swapBusyTimeout(conn, opts.busyTimeoutMs);
    // Only the lock wait is short: once BEGIN IMMEDIATE holds the lock, the body runs as usual.
    const begin = {
      execute: async (c: Kysely<DB>) => {
        try {
          return await sql`BEGIN IMMEDIATE`.execute(c);
        } finally {
          await swapBusyTimeout(c, prev);
        }
      },
    };
    return rawTransaction(conn, begin, fn);
  });
}

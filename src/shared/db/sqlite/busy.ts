import { sql, type Kysely } from 'kysely';

/** Sets the connection's busy timeout; returns the one it replaced. */
export async function swapBusyTimeout<DB>(conn: Kysely<DB>, ms: number): Promise<number> {
  const prev = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(conn);
  await sql.raw(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(ms))}`).execute(conn);
  return Number(prev.rows[0]?.timeout ?? 0);
}

/**
 * Runs fn on the connection with busy_timeout `ms` instead of the usual 5 s. better-sqlite3 is
 * synchronous: its busy handler sleeps on the event loop, so a long wait would stall AMI reads
 * and UDP replies. A statement that cannot get the lock within `ms` throws SQLITE_BUSY. Holds
 * kysely's connection throughout, so no other query of this process runs with the short timeout.
 */
export async function withSqliteBusyTimeout<DB, T>(db: Kysely<DB>, ms: number, fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    const prev = await swapBusyTimeout(conn, ms);
    try {
      return await fn(conn);
    } finally {
      await swapBusyTimeout(conn, prev);
    }
  });
}

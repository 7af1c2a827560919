import { sql, type Kysely } from 'kysely';

/**
 * How long a worker's write waits for another process's lock while its event loop must keep
 * reading AMI (Asterisk drops a client that does not read for ~100 ms) or answering UDP. SQLite's
 * busy handler sleeps 1 ms, then 1 more: the loop stalls 2 ms at most, and the write is retried.
 */
export const LOOP_LOCK_WAIT_MS = 2;

/** True for SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** A catch handler: `fallback` when the database was locked, the error rethrown otherwise. */
export function unlessBusy<T>(fallback: T): (err: unknown) => T {
  return (err) => {
    if (isBusy(err)) return fallback;
    throw err;
  };
}

/** Sets the connection's busy timeout; returns the one it replaced. */
export async function swapBusyTimeout<DB>(conn: Kysely<DB>, ms: number): Promise<number> {
  const prev = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(conn);
  await sql.raw(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(ms))}`).execute(conn);
  return Number(prev.rows[0]?.timeout ?? 0);
}

/**
 * Runs fn on the connection with busy_timeout `ms` instead of the usual 5 s: for writes made on
 * an event loop that also answers UDP or reads AMI, where waiting for another process's lock
 * would stall both. A statement that cannot get the lock within `ms` throws SQLITE_BUSY
 * (isBusy), and the caller tries again later. Holds kysely's connection throughout, so no other
 * query of this process runs with the short timeout.
 */
export async function withBusyTimeout<DB, T>(db: Kysely<DB>, ms: number, fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    const prev = await swapBusyTimeout(conn, ms);
    try {
      return await fn(conn);
    } finally {
      await swapBusyTimeout(conn, prev);
    }
  });
}

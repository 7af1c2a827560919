import type { Kysely } from 'kysely';
import { dialectOf } from './dialect-of.js';
import type { Database } from './schema.js';

/**
 * How long a worker's write waits for another writer's lock while its event loop must keep
 * reading AMI (Asterisk drops a client that does not read for ~100 ms) or answering UDP. On
 * SQLite the busy handler sleeps 1 ms, then 1 more: the loop stalls 2 ms at most, and the write
 * is retried. PostgreSQL and MySQL wait asynchronously (the loop never stalls); their short
 * lock wait only keeps one write from holding up the worker's next ones.
 */
export const LOOP_LOCK_WAIT_MS = 2;

// PostgreSQL lock_not_available (lock_timeout), deadlock_detected; MySQL ER_LOCK_WAIT_TIMEOUT, ER_LOCK_DEADLOCK.
const PG_BUSY = new Set(['55P03', '40P01']);
const MYSQL_BUSY = new Set([1205, 1213]);

/**
 * True for "another writer holds the lock" on any engine: SQLITE_BUSY*, lock_timeout,
 * innodb_lock_wait_timeout, and a deadlock, whose victim's transaction the server rolled back
 * whole: in every case nothing was written and the write is simply tried again.
 */
export function isBusy(err: unknown): boolean {
  const e = err as { code?: unknown; errno?: unknown } | null;
  const code = e?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || PG_BUSY.has(code))) return true;
  return typeof e?.errno === 'number' && MYSQL_BUSY.has(e.errno);
}

/** A catch handler: `fallback` when the database was locked, the error rethrown otherwise. */
export function unlessBusy<T>(fallback: T): (err: unknown) => T {
  return (err) => {
    if (isBusy(err)) return fallback;
    throw err;
  };
}

/** Runs fn on one connection whose lock waits last `ms` at most (AmiqDialect.withLockWait). */
export function withBusyTimeout<T>(db: Kysely<Database>, ms: number, fn: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  return dialectOf(db).withLockWait(db, ms, fn);
}

/** One transaction whose lock waits last `ms` at most, in the fewest round trips (AmiqDialect.transactionWithLockWait). */
export function transactionWithLockWait<T>(db: Kysely<Database>, ms: number, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return dialectOf(db).transactionWithLockWait(db, ms, fn);
}

/** One write transaction, lock waits `lockWaitMs` at most when given (AmiqDialect.writeBatch). */
export function writeBatch<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>, opts: { lockWaitMs?: number } = {}): Promise<T> {
  return dialectOf(db).writeBatch(db, fn, opts.lockWaitMs);
}

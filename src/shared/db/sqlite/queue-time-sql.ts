import type BetterSqlite3 from 'better-sqlite3';
import { sql, type RawBuilder } from 'kysely';
import { queueTimeMs } from '../../queue/queue-time.js';

/**
 * SQLite keeps client times as text in several forms (queue/queue-time.ts), so SQL compares the
 * instants they name through one user function, registered on every connection amiq opens.
 * This file is the whole SQLite-specific part of time comparison: an engine with native
 * timestamp types replaces instantMs with its epoch expression and timeUnreadable with false.
 */
const FN = 'amiq_time_ms';

/** Registers amiq_time_ms(text): epoch ms of a time column's value, NULL when it names no instant. */
export function registerQueueTimeFunction(sqlite: BetterSqlite3.Database): void {
  sqlite.function(FN, { deterministic: true }, (value: unknown) => queueTimeMs(value));
}

/** The instant a time column names, in epoch ms; NULL when the column is NULL or not a time. */
export function instantMs(column: string): RawBuilder<number | null> {
  return sql<number | null>`${sql.raw(FN)}(${sql.ref(column)})`;
}

/** The later of two instants in ms (SQLite's two-argument max: NULL when either is). */
export function laterMs(a: RawBuilder<number | null>, b: RawBuilder<number | null>): RawBuilder<number | null> {
  return sql<number | null>`max(${a}, ${b})`;
}

/** True when the column holds text that names no instant (NULL is not unreadable). */
export function timeUnreadable(column: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(column)} IS NOT NULL AND ${instantMs(column)} IS NULL)`;
}

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

/**
 * Parsed texts kept per connection. The claim reads every waiting row's times on each pass; a
 * parse costs ~1 µs, a lookup a tenth of that, so many scheduled rows stay cheap to pass over.
 * Cleared when full: bounded memory (~2 MB), and a hit rate that recovers on the next pass.
 */
const CACHE_MAX = 20_000;

/** Registers amiq_time_ms(text): epoch ms of a time column's value, NULL when it names no instant. */
export function registerQueueTimeFunction(sqlite: BetterSqlite3.Database): void {
  const cache = new Map<string, number | null>();
  sqlite.function(FN, { deterministic: true }, (value: unknown) => {
    if (typeof value !== 'string') return null;
    let ms = cache.get(value);
    if (ms === undefined) {
      ms = queueTimeMs(value);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(value, ms);
    }
    return ms;
  });
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

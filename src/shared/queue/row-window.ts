import { sql, type RawBuilder } from 'kysely';
import type { AmiqDialect } from '../db/dialect.js';

/**
 * A NEW row's sending window in SQL, as instants (SPEC §2): due from not_before (or at once),
 * sendable until expires_at, or when that is NULL until ttl after the later of created_at and
 * not_before, so a scheduled row is never expired before it was due. The claim, the expiry and
 * the wake-up share these, so they cannot disagree about a row. The dialect turns a time column
 * into an instant (SQLite: the client's text through amiq_time_ms; elsewhere native timestamps).
 */

/**
 * Some client time of the row names no instant (SQLite only). Such a row is claimed at once
 * (neither waiting nor expiring), so the sender marks it INVALID naming the column.
 */
export function anyTimeUnreadable(d: AmiqDialect): RawBuilder<boolean> {
  return sql<boolean>`(${d.timeUnreadable('not_before')} OR ${d.timeUnreadable('expires_at')} OR ${d.timeUnreadable('created_at')})`;
}

/** not_before has been reached at nowMs, or there is none. */
export function dueAt(d: AmiqDialect, nowMs: number): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref('not_before')} IS NULL OR ${d.instantMs('not_before')} <= ${nowMs})`;
}

/** The instant (ms) after which the row may no longer be sent; NULL only for an unreadable time. */
export function deadlineMs(d: AmiqDialect, ttlMs: number): RawBuilder<number | null> {
  return sql<number | null>`(CASE
    WHEN ${sql.ref('expires_at')} IS NOT NULL THEN ${d.instantMs('expires_at')}
    WHEN ${sql.ref('not_before')} IS NULL THEN ${d.instantMs('created_at')} + ${ttlMs}
    ELSE ${d.laterMs(d.instantMs('created_at'), d.instantMs('not_before'))} + ${ttlMs} END)`;
}

/** The later of created_at and not_before is not_before: the TTL counts from it. */
export function ttlFromNotBefore(d: AmiqDialect): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref('not_before')} IS NOT NULL AND ${d.instantMs('not_before')} > ${d.instantMs('created_at')})`;
}

import { sql, type RawBuilder } from 'kysely';
import { instantMs, laterMs, timeUnreadable } from '../db/sqlite/queue-time-sql.js';

/**
 * A NEW row's sending window in SQL, as instants (SPEC §2): due from not_before (or at once),
 * sendable until expires_at, or when that is NULL until ttl after the later of created_at and
 * not_before, so a scheduled row is never expired before it was due. The claim, the expiry and
 * the wake-up share these, so they cannot disagree about a row.
 */

/**
 * Some client time of the row names no instant. Such a row is claimed at once (neither waiting
 * nor expiring), so the sender marks it INVALID naming the column.
 */
export const anyTimeUnreadable: RawBuilder<boolean> = sql<boolean>`(${timeUnreadable('not_before')} OR ${timeUnreadable('expires_at')} OR ${timeUnreadable('created_at')})`;

/** not_before has been reached at nowMs, or there is none. */
export function dueAt(nowMs: number): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref('not_before')} IS NULL OR ${instantMs('not_before')} <= ${nowMs})`;
}

/** The instant (ms) after which the row may no longer be sent; NULL only for an unreadable time. */
export function deadlineMs(ttlMs: number): RawBuilder<number | null> {
  return sql<number | null>`(CASE
    WHEN ${sql.ref('expires_at')} IS NOT NULL THEN ${instantMs('expires_at')}
    WHEN ${sql.ref('not_before')} IS NULL THEN ${instantMs('created_at')} + ${ttlMs}
    ELSE ${laterMs(instantMs('created_at'), instantMs('not_before'))} + ${ttlMs} END)`;
}

/** The later of created_at and not_before is not_before: the TTL counts from it. */
export const ttlFromNotBefore: RawBuilder<boolean> = sql<boolean>`(${sql.ref('not_before')} IS NOT NULL AND ${instantMs('not_before')} > ${instantMs('created_at')})`;

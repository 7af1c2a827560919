import { sql } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import type { QueueRow } from '../db/schema.js';
import { anyTimeUnreadable, deadlineMs, dueAt } from './row-window.js';
import type { QueueDb } from './types.js';

export interface ClaimOptions {
  server: string;
  limit: number;
  /** Default expiry of a row without expires_at (action_sender.ttl_seconds). */
  ttlSeconds: number;
  now?: number;
}

/**
 * THE claim: moves up to `limit` sendable NEW rows of a server to SENDING and returns them,
 * highest priority first, then oldest. Sendable: inside the row's window (row-window.ts,
 * instants, never text), or holding a time that names no instant, which the sender then marks
 * INVALID. The dialect makes it one statement or one short transaction that skips rows another
 * claimer holds, so two claimers never take the same row nor wait for each other.
 */
export async function claimRows(db: QueueDb, opts: ClaimOptions): Promise<QueueRow[]> {
  if (opts.limit <= 0) return [];
  const nowMs = opts.now ?? Date.now();
  const d = dialectOf(db);
  const rows = await d.claim(
    db,
    (eb) =>
      eb.and([
        eb('server', '=', opts.server),
        eb('status', '=', 'NEW'),
        sql<boolean>`(${anyTimeUnreadable(d)} OR (${dueAt(d, nowMs)} AND ${deadlineMs(d, opts.ttlSeconds * 1000)} > ${nowMs}))`,
      ]),
    opts.limit,
  );
  // RETURNING order is unspecified: restore the claim order.
  return rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
}

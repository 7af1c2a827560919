import { sql } from 'kysely';
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
 * THE claim: one statement moves up to `limit` sendable NEW rows of a server to SENDING and
 * returns them, highest priority first, then oldest. Sendable: inside the row's window
 * (row-window.ts, instants, never text), or holding a time that names no instant, which the
 * sender then marks INVALID. Being one statement, two claimers can never take the same row; the
 * outer status test keeps that true on databases whose subquery does not lock.
 */
export async function claimRows(db: QueueDb, opts: ClaimOptions): Promise<QueueRow[]> {
  if (opts.limit <= 0) return [];
  const nowMs = opts.now ?? Date.now();
  const rows = await db
    .updateTable('manager_queue')
    .set({ status: 'SENDING' })
    .where('status', '=', 'NEW')
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('manager_queue')
        .select('id')
        .where('server', '=', opts.server)
        .where('status', '=', 'NEW')
        .where(sql<boolean>`(${anyTimeUnreadable} OR (${dueAt(nowMs)} AND ${deadlineMs(opts.ttlSeconds * 1000)} > ${nowMs}))`)
        .orderBy('priority', 'desc')
        .orderBy('id')
        .limit(opts.limit),
    )
    .returningAll()
    .execute();
  // RETURNING order is unspecified: restore the claim order.
  return rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
}

import { isoNow } from '../time.js';
import type { QueueRow } from '../db/schema.js';
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
 * returns them, highest priority first, then oldest. Sendable: not_before reached and not
 * expired (expires_at, or created_at + ttl when expires_at is NULL). Being one statement, two
 * claimers can never take the same row; the outer status test keeps that true on databases
 * whose subquery does not lock.
 */
export async function claimRows(db: QueueDb, opts: ClaimOptions): Promise<QueueRow[]> {
  if (opts.limit <= 0) return [];
  const nowMs = opts.now ?? Date.now();
  const now = isoNow(nowMs);
  const ttlCutoff = isoNow(nowMs - opts.ttlSeconds * 1000);
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
        .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now)]))
        .where((eb) =>
          eb.or([
            eb.and([eb('expires_at', 'is not', null), eb('expires_at', '>', now)]),
            eb.and([eb('expires_at', 'is', null), eb('created_at', '>', ttlCutoff)]),
          ]),
        )
        .orderBy('priority', 'desc')
        .orderBy('id')
        .limit(opts.limit),
    )
    .returningAll()
    .execute();
  // RETURNING order is unspecified: restore the claim order.
  return rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
}

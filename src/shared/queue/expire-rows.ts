import { sql } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import { anyTimeUnreadable, deadlineMs, ttlFromNotBefore } from './row-window.js';
import type { QueueDb } from './types.js';

export interface ExpireOptions {
  server: string;
  ttlSeconds: number;
  now?: number;
}

/**
 * NEW rows past their deadline (row-window.ts: expires_at, or ttl after the later of created_at
 * and not_before) become EXPIRED with a message saying which limit passed. A row with an
 * unreadable time never expires: the claim takes it and the sender marks it INVALID. Returns how many.
 */
export async function expireRows(db: QueueDb, opts: ExpireOptions): Promise<number> {
  const nowMs = opts.now ?? Date.now();
  const d = dialectOf(db);
  const ttl = `not sent within ttl_seconds=${opts.ttlSeconds}`;
  const res = await db
    .updateTable('manager_queue')
    .set({
      status: 'EXPIRED',
      message: sql<string>`(CASE
        WHEN expires_at IS NOT NULL THEN ${d.concat(sql`${'not sent before expires_at '}`, d.timeText('expires_at'))}
        WHEN ${ttlFromNotBefore(d)} THEN ${d.concat(sql`${`${ttl} of not_before `}`, d.timeText('not_before'))}
        ELSE ${`${ttl} of created_at`} END)`,
    })
    .where('server', '=', opts.server)
    .where('status', '=', 'NEW')
    .where(sql<boolean>`(NOT ${anyTimeUnreadable(d)} AND ${deadlineMs(d, opts.ttlSeconds * 1000)} <= ${nowMs})`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

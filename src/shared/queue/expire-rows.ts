import { isoNow } from '../time.js';
import type { QueueDb } from './types.js';

export interface ExpireOptions {
  server: string;
  ttlSeconds: number;
  now?: number;
}

/**
 * NEW rows past their expires_at, or past created_at + ttl when expires_at is NULL, become
 * EXPIRED with a message saying which limit passed. Returns how many.
 */
export async function expireRows(db: QueueDb, opts: ExpireOptions): Promise<number> {
  const nowMs = opts.now ?? Date.now();
  const now = isoNow(nowMs);
  const ttlCutoff = isoNow(nowMs - opts.ttlSeconds * 1000);
  const res = await db
    .updateTable('manager_queue')
    .set((eb) => ({
      status: 'EXPIRED',
      message: eb
        .case()
        .when('expires_at', 'is not', null)
        .then(eb.fn<string>('concat', [eb.val('not sent before expires_at '), eb.ref('expires_at')]))
        .else(`not sent within ttl_seconds=${opts.ttlSeconds} of created_at`)
        .end(),
    }))
    .where('server', '=', opts.server)
    .where('status', '=', 'NEW')
    .where((eb) =>
      eb.or([
        eb.and([eb('expires_at', 'is not', null), eb('expires_at', '<=', now)]),
        eb.and([eb('expires_at', 'is', null), eb('created_at', '<=', ttlCutoff)]),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

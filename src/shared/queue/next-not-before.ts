import { isoNow } from '../time.js';
import type { QueueDb } from './types.js';

/** The earliest future not_before among a server's NEW rows: when the sender must wake next. */
export async function nextNotBefore(db: QueueDb, server: string, now: number = Date.now()): Promise<string | null> {
  const row = await db
    .selectFrom('manager_queue')
    .select((eb) => eb.fn.min('not_before').as('next'))
    .where('server', '=', server)
    .where('status', '=', 'NEW')
    .where('not_before', '>', isoNow(now))
    .executeTakeFirst();
  return row?.next ?? null;
}

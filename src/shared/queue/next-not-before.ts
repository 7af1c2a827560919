import { sql } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import type { QueueDb } from './types.js';

/** The earliest future not_before (epoch ms) among a server's NEW rows: when the sender must wake next. */
export async function nextNotBefore(db: QueueDb, server: string, now: number = Date.now()): Promise<number | null> {
  const { instantMs } = dialectOf(db);
  const row = await db
    .selectFrom('manager_queue')
    .select(sql<number | null>`min(${instantMs('not_before')})`.as('next'))
    .where('server', '=', server)
    .where('status', '=', 'NEW')
    .where(sql<boolean>`${instantMs('not_before')} > ${now}`)
    .executeTakeFirst();
  return row?.next ?? null;
}

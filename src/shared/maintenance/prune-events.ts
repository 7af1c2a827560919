import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Delete up to `limit` manager_events of this server logged before `before`; returns how many. */
export async function pruneEvents(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const res = await db
    .deleteFrom('manager_events')
    .where('id', 'in', (eb) =>
      eb.selectFrom('manager_events').select('id').where('server', '=', server).where('time', '<', before).orderBy('id').limit(limit),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Delete up to `limit` manager_events of this server logged before `before`; returns how many (ids first, as pruneArchive). */
export async function pruneEvents(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const ids = await db.selectFrom('manager_events').select('id').where('server', '=', server).where('time', '<', before).orderBy('id').limit(limit).execute();
  if (ids.length === 0) return 0;
  const res = await db
    .deleteFrom('manager_events')
    .where(
      'id',
      'in',
      ids.map((r) => r.id),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

import type { Kysely } from 'kysely';
import { deleteById } from '../delete-by-id.js';
import type { Database } from '../schema.js';

/** Delete up to `limit` manager_events of this server logged before `before`; returns how many (ids first, as pruneArchive). */
export async function pruneEvents(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const ids = await db.selectFrom('manager_events').select('id').where('server', '=', server).where('time', '<', before).orderBy('id').limit(limit).execute();
  return deleteById(
    db,
    'manager_events',
    ids.map((r) => r.id),
  );
}

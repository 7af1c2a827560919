import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';
import type { Database } from '../schema.js';
import { createdBefore } from './created-before.js';

/**
 * Delete up to `limit` archive rows of this server created before `before`; returns how many.
 * The ids are read first: MySQL takes no LIMIT in an IN subquery, nor a subquery on the table
 * it deletes from.
 */
export async function pruneArchive(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const ids = await db
    .selectFrom('manager_queue_archive')
    .select('id')
    .where('server', '=', server)
    .where(createdBefore(dialectOf(db), before))
    .orderBy('id')
    .limit(limit)
    .execute();
  if (ids.length === 0) return 0;
  const res = await db.deleteFrom('manager_queue_archive').where('id', 'in', ids.map((r) => r.id)).executeTakeFirst();
  return Number(res.numDeletedRows);
}

import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';
import type { Database } from '../schema.js';
import { createdBefore } from './created-before.js';

/**
 * Delete up to `limit` archive rows of this server created before `before`, with their list
 * items (manager_queue_results); returns how many rows. Items first: a failure in between
 * leaves rows due for deletion without their items, never items without a row. The ids are read
 * first: MySQL takes no LIMIT in an IN subquery, nor a subquery on the table it deletes from.
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
  const due = ids.map((r) => r.id);
  await db.deleteFrom('manager_queue_results').where('queue_id', 'in', due).execute();
  const res = await db.deleteFrom('manager_queue_archive').where('id', 'in', due).executeTakeFirst();
  return Number(res.numDeletedRows);
}

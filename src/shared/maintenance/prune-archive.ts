import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createdBefore } from './created-before.js';

/**
 * Delete up to `limit` archive rows of this server created before `before`, with their list
 * items (manager_queue_results); returns how many rows. Items first: a failure in between
 * leaves rows due for deletion without their items, never items without a row.
 */
export async function pruneArchive(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const due = await db.selectFrom('manager_queue_archive').select('id').where('server', '=', server).where(createdBefore(before)).orderBy('id').limit(limit).execute();
  if (due.length === 0) return 0;
  const ids = due.map((r) => r.id);
  await db.deleteFrom('manager_queue_results').where('queue_id', 'in', ids).execute();
  const res = await db.deleteFrom('manager_queue_archive').where('id', 'in', ids).executeTakeFirst();
  return Number(res.numDeletedRows);
}

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Delete rows just copied to the archive (same transaction, so exactly those). */
export async function deleteQueueRows(db: Kysely<Database>, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db.deleteFrom('manager_queue').where('id', 'in', ids).executeTakeFirst();
  return Number(res.numDeletedRows);
}

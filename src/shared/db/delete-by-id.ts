import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Tables whose prunes read the ids first (MySQL takes no LIMIT in an IN subquery), then delete them. */
type PrunedTable = 'manager_events' | 'conferences';

/** Delete the rows with these ids; returns how many went. */
export async function deleteById(db: Kysely<Database>, table: PrunedTable, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db.deleteFrom(table).where('id', 'in', ids).executeTakeFirst();
  return Number(res.numDeletedRows);
}

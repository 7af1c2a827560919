import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createdBefore } from './created-before.js';

/** Delete up to `limit` archive rows of this server created before `before`; returns how many. */
export async function pruneArchive(db: Kysely<Database>, server: string, before: string, limit: number): Promise<number> {
  const res = await db
    .deleteFrom('manager_queue_archive')
    .where('id', 'in', (eb) =>
      eb.selectFrom('manager_queue_archive').select('id').where('server', '=', server).where(createdBefore(before)).orderBy('id').limit(limit),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

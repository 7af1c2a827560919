import type { Kysely } from 'kysely';
import type { Database, Time } from '../schema.js';

/** created_at of the oldest row still waiting to be sent (NEW), or undefined. */
export async function oldestNewRow(db: Kysely<Database>, server?: string): Promise<{ id: number; created_at: Time } | undefined> {
  let q = db.selectFrom('manager_queue').select(['id', 'created_at']).where('status', '=', 'NEW');
  if (server !== undefined) q = q.where('server', '=', server);
  return q.orderBy('id').limit(1).executeTakeFirst();
}

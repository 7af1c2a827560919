import type { Kysely } from 'kysely';
import type { Database, WorkerRow } from '../db/schema.js';

/** Every registration, or one server's, in a stable order for display. */
export async function listWorkers(db: Kysely<Database>, server?: string): Promise<WorkerRow[]> {
  let q = db.selectFrom('workers').selectAll();
  if (server !== undefined) q = q.where('server', '=', server);
  return q.orderBy('server').orderBy('name').execute();
}

import type { Kysely } from 'kysely';
import type { Database, WorkerRow } from '../db/schema.js';

export async function readWorker(db: Kysely<Database>, server: string, name: string): Promise<WorkerRow | undefined> {
  return db.selectFrom('workers').selectAll().where('server', '=', server).where('name', '=', name).executeTakeFirst();
}

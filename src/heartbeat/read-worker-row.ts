import type { Kysely } from 'kysely';
import type { Database, WorkerRow } from '../shared/db/schema.js';

/** The `workers` row of one worker of one server (the heartbeat reads the cleaner's for bit 63). */
export async function readWorkerRow(db: Kysely<Database>, server: string, name: string): Promise<WorkerRow | undefined> {
  return db.selectFrom('workers').selectAll().where('server', '=', server).where('name', '=', name).executeTakeFirst();
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WorkerIdentity } from './identity.js';

/** Writes a fresh registration over whatever row (server, name) had. Call inside BEGIN IMMEDIATE. */
export async function upsertWorker(db: Kysely<Database>, id: WorkerIdentity, state = 'running'): Promise<void> {
  const fresh = {
    pid: id.pid,
    host: id.host,
    started_at: id.started_at,
    beat_at: id.started_at,
    state,
    ami_state: 'n/a',
    counters: '{}',
    last_error: null,
    last_error_at: null,
  };
  await db
    .insertInto('workers')
    .values({ server: id.server, name: id.name, ...fresh })
    .onConflict((oc) => oc.columns(['server', 'name']).doUpdateSet(fresh))
    .execute();
}

import type { Kysely } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import type { Database } from '../db/schema.js';
import type { WorkerIdentity } from './identity.js';

/** Writes a fresh registration over whatever row (server, name) had. Call inside the registration's write transaction. */
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
  await dialectOf(db).upsert(db, 'workers', { server: id.server, name: id.name, ...fresh }, ['server', 'name'], fresh);
}

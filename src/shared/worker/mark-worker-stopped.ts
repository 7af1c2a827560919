import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WorkerIdentity } from './identity.js';

export interface StopValues {
  state: 'stopped' | 'crashed';
  at: string;
  counters: Record<string, number>;
  last_error: string | null;
  last_error_at: string | null;
}

/** The final write of a worker's registration (only if still ours). */
export function markWorkerStoppedQuery(db: Kysely<Database>, id: WorkerIdentity, v: StopValues) {
  return db
    .updateTable('workers')
    .set({
      state: v.state,
      beat_at: v.at,
      counters: JSON.stringify(v.counters),
      last_error: v.last_error,
      last_error_at: v.last_error_at,
    })
    .where('server', '=', id.server)
    .where('name', '=', id.name)
    .where('pid', '=', id.pid)
    .where('host', '=', id.host)
    .where('started_at', '=', id.started_at);
}

export async function markWorkerStopped(db: Kysely<Database>, id: WorkerIdentity, v: StopValues): Promise<void> {
  await markWorkerStoppedQuery(db, id, v).execute();
}

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { WorkerIdentity } from './identity.js';

export interface BeatValues {
  beat_at: string;
  state: string;
  ami_state: string;
  counters: Record<string, number>;
  last_error: string | null;
  last_error_at: string | null;
}

/** One beat; false when the row is no longer ours (taken over), so the caller stops. */
export async function beatWorker(db: Kysely<Database>, id: WorkerIdentity, v: BeatValues): Promise<boolean> {
  const r = await db
    .updateTable('workers')
    .set({ ...v, counters: JSON.stringify(v.counters) })
    .where('server', '=', id.server)
    .where('name', '=', id.name)
    .where('pid', '=', id.pid)
    .where('host', '=', id.host)
    .where('started_at', '=', id.started_at)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

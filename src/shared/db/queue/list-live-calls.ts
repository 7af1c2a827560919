import { LIVE_CALL_STATES } from '../schema.js';
import type { QueueDb } from '../../queue/types.js';
import { SNAPSHOT_COLUMNS, type RowSnapshot } from './row-columns.js';

/** Rows of a server whose call is in progress: resync checks each against the channels that exist. */
export async function listLiveCalls(db: QueueDb, server: string): Promise<RowSnapshot[]> {
  return db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS).where('server', '=', server).where('call_state', 'in', LIVE_CALL_STATES).execute();
}

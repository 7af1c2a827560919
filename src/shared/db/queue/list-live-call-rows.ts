import { LIVE_CALL_STATES, type QueueRow } from '../schema.js';
import type { QueueDb } from '../../queue/types.js';

/** Rows whose call is in progress (dialing, ringing, up), of these servers (undefined = all), oldest first. */
export async function listLiveCallRows(db: QueueDb, servers: readonly string[] | undefined): Promise<QueueRow[]> {
  let q = db.selectFrom('manager_queue').selectAll().where('call_state', 'in', LIVE_CALL_STATES);
  if (servers !== undefined) q = servers.length === 0 ? q.where('id', '<', 0) : q.where('server', 'in', servers);
  return q.orderBy('id').execute();
}

import type { QueueDb } from '../../shared/queue/types.js';
import { SNAPSHOT_COLUMNS, type RowSnapshot } from './row-columns.js';

/** The row already bound to this Uniqueid (a call followed before a restart or eviction). */
export async function findRowByUniqueid(db: QueueDb, server: string, uniqueid: string): Promise<RowSnapshot | undefined> {
  return db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS).where('uniqueid', '=', uniqueid).where('server', '=', server).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

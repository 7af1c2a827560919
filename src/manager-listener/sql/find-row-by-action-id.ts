import type { QueueDb } from '../../shared/queue/types.js';
import { SNAPSHOT_COLUMNS, sentOriginates, type RowSnapshot } from './row-columns.js';

/** The row whose Originate carried this ActionID (OriginateResponse echoes it): the strongest key. */
export async function findRowByActionId(db: QueueDb, server: string, actionId: string): Promise<RowSnapshot | undefined> {
  return sentOriginates(db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS), server).where('action_id', '=', actionId).executeTakeFirst();
}

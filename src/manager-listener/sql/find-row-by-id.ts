import type { QueueDb } from '../../shared/queue/types.js';
import { SNAPSHOT_COLUMNS, sentOriginates, type RowSnapshot } from './row-columns.js';

/** The row named by a channel's AMIQ_ID variable (the sender sets `AMIQ_ID=<id>`). */
export async function findRowById(db: QueueDb, server: string, id: number): Promise<RowSnapshot | undefined> {
  return sentOriginates(db.selectFrom('manager_queue').select(SNAPSHOT_COLUMNS), server).where('id', '=', id).executeTakeFirst();
}

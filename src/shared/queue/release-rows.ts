import type { QueueDb } from './types.js';

/**
 * Rows the sender claimed but is CERTAIN it never wrote (not logged in, or the SENT mark could
 * not be followed by a write) go back to NEW, forgetting sent_at and action_id.
 */
export async function releaseRows(db: QueueDb, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .updateTable('manager_queue')
    .set({ status: 'NEW', sent_at: null, action_id: null })
    .where('id', 'in', ids)
    .where('status', 'in', ['SENDING', 'SENT'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

import type { QueueDb } from './types.js';

/**
 * SENT rows whose fate is unknown (no response in time, connection dropped, sender stopping):
 * LOST, never re-sent — a second Originate would be a second phone call.
 */
export async function markLost(db: QueueDb, ids: readonly number[], message: string): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db.updateTable('manager_queue').set({ status: 'LOST', message }).where('id', 'in', ids).where('status', '=', 'SENT').executeTakeFirst();
  return Number(res.numUpdatedRows);
}

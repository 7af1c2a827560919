import type { QueueDb } from './types.js';

/** A client withdraws a row: only NEW → CANCELLED; false when the row was already taken or gone. */
export async function cancelRow(db: QueueDb, id: number): Promise<boolean> {
  const res = await db
    .updateTable('manager_queue')
    .set({ status: 'CANCELLED', message: 'cancelled by the client' })
    .where('id', '=', id)
    .where('status', '=', 'NEW')
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

import type { QueueDb } from './types.js';

/**
 * A claimed Redirect/Hangup whose call has already ended (or never had a channel): FAILED
 * without anything sent (SPEC §3), the message saying why.
 */
export async function markUnsentFailed(db: QueueDb, id: number, message: string): Promise<boolean> {
  const res = await db.updateTable('manager_queue').set({ status: 'FAILED', message }).where('id', '=', id).where('status', '=', 'SENDING').executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

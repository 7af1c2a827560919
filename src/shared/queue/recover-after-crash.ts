import type { QueueDb } from './types.js';

export interface Recovered {
  requeued: number;
  lost: number;
}

/**
 * At sender start (the only live sender of this server): SENDING rows were never written
 * (SENT is committed before writing), so they go back to NEW; SENT rows without a response may
 * have reached Asterisk, so they become LOST. One short transaction.
 */
export async function recoverAfterCrash(db: QueueDb, server: string): Promise<Recovered> {
  if (!db.isTransaction) return db.transaction().execute((trx) => recoverAfterCrash(trx, server));
  const requeued = await db.updateTable('manager_queue').set({ status: 'NEW' }).where('server', '=', server).where('status', '=', 'SENDING').executeTakeFirst();
  const lost = await db
    .updateTable('manager_queue')
    .set({ status: 'LOST', message: 'sender stopped before the response arrived; fate unknown, not re-sent' })
    .where('server', '=', server)
    .where('status', '=', 'SENT')
    .executeTakeFirst();
  return { requeued: Number(requeued.numUpdatedRows), lost: Number(lost.numUpdatedRows) };
}

import type { QueueDb } from './types.js';

/**
 * A claimed row that broke a rule: INVALID with the message naming the field and the rule.
 * SENT is accepted too for the case where the AMI layer refused the action before writing it.
 */
export async function markInvalid(db: QueueDb, id: number, message: string): Promise<boolean> {
  const res = await db
    .updateTable('manager_queue')
    .set({ status: 'INVALID', message })
    .where('id', '=', id)
    .where('status', 'in', ['SENDING', 'SENT'])
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

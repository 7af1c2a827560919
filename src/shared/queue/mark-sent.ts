import { isoNow } from '../time.js';
import type { QueueDb } from './types.js';

export interface SentMark {
  id: number;
  actionId: string;
  /** The callerid the sender generated for an Originate row that had none; kept if one exists. */
  callerid?: string | null;
}

/**
 * SENDING → SENT with sent_at and action_id, committed BEFORE the bytes are written: after a
 * crash a SENDING row is certainly unwritten (back to NEW) and a SENT row may have been written
 * (LOST, never re-sent). Returns false when the row was not SENDING (nothing may be sent then).
 */
export async function markSent(db: QueueDb, mark: SentMark, now: string = isoNow()): Promise<boolean> {
  const res = await db
    .updateTable('manager_queue')
    .set((eb) => ({
      status: 'SENT',
      sent_at: now,
      action_id: mark.actionId,
      ...(mark.callerid ? { callerid: eb.fn.coalesce('callerid', eb.val(mark.callerid)) } : {}),
    }))
    .where('id', '=', mark.id)
    .where('status', '=', 'SENDING')
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

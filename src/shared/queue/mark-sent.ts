import { sql } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import { isoNow } from '../time.js';
import { caseById, chunks } from './case-by-id.js';
import type { QueueDb } from './types.js';

export interface SentMark {
  id: number;
  actionId: string;
  /** The callerid the sender generated for an Originate row that had none; kept if one exists. */
  callerid?: string | null;
  /** The live channel a Redirect/Hangup by callerid acted on, filled into its empty channel column. */
  channel?: string | null;
}

/**
 * SENDING → SENT with sent_at and action_id for a batch of rows, committed BEFORE the bytes are
 * written: after a crash a SENDING row is certainly unwritten (back to NEW) and a SENT row may
 * have been written (LOST, never re-sent). One statement per 250 rows. Returns the ids marked;
 * a row missing from it was not SENDING and must not be sent.
 */
export async function markSent(db: QueueDb, marks: readonly SentMark[], now: string = isoNow()): Promise<Set<number>> {
  const done = new Set<number>();
  for (const batch of chunks(marks)) {
    const withCallerid = batch.filter((m) => m.callerid);
    const withChannel = batch.filter((m) => m.channel);
    const ids = await dialectOf(db).updateReturningIds(
      db,
      (eb) =>
        eb.and([
          eb(
            'id',
            'in',
            batch.map((m) => m.id),
          ),
          eb('status', '=', 'SENDING'),
        ]),
      {
        status: 'SENT',
        sent_at: now,
        action_id: caseById(batch.map((m) => [m.id, m.actionId] as const)),
        ...(withCallerid.length > 0
          ? { callerid: sql<string>`COALESCE(${sql.ref('callerid')}, ${caseById(withCallerid.map((m) => [m.id, m.callerid!] as const))})` }
          : {}),
        ...(withChannel.length > 0
          ? { channel: sql<string>`COALESCE(${sql.ref('channel')}, ${caseById(withChannel.map((m) => [m.id, m.channel!] as const))})` }
          : {}),
      },
    );
    for (const id of ids) done.add(id);
  }
  return done;
}

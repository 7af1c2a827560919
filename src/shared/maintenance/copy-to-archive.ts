import type { Kysely } from 'kysely';
import { LIVE_CALL_STATES, TERMINAL_STATUSES, type Database } from '../db/schema.js';
import { QUEUE_COLUMNS } from './queue-columns.js';
import { createdBefore } from './created-before.js';

export interface ArchiveBatch {
  server: string;
  /** Terminal rows created before this move. */
  before: string;
  /** An Originate whose call may still be live moves only when created before this. */
  liveBefore: string;
  limit: number;
}

/**
 * Copy one batch of archivable rows into manager_queue_archive (INSERT…SELECT) and return their
 * ids; the caller deletes exactly those in the same transaction. Never a non-terminal row; a
 * successful Originate whose call has not ended (the listener still writes to it) only once
 * very old.
 */
export async function copyToArchive(db: Kysely<Database>, b: ArchiveBatch): Promise<number[]> {
  const rows = await db
    .insertInto('manager_queue_archive')
    .columns(QUEUE_COLUMNS)
    .expression(
      db
        .selectFrom('manager_queue')
        .select(QUEUE_COLUMNS)
        .where('server', '=', b.server)
        .where('status', 'in', TERMINAL_STATUSES)
        .where(createdBefore(b.before))
        .where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['action']), '!=', 'originate'),
            eb('status', '!=', 'SUCCESS'),
            eb.and([eb('call_state', 'is not', null), eb('call_state', 'not in', LIVE_CALL_STATES)]),
            createdBefore(b.liveBefore),
          ]),
        )
        // No ORDER BY: the claim index (server, status, priority, id) finds old rows first and
        // LIMIT stops there; sorting by id would read every terminal row for each batch.
        .limit(b.limit),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

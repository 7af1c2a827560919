import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';
import { LIVE_CALL_STATES, TERMINAL_STATUSES, type Database } from '../schema.js';
import { createdBefore } from './created-before.js';
import { QUEUE_COLUMNS } from './queue-columns.js';

export interface ArchiveBatch {
  server: string;
  /** Terminal rows created before this move. */
  before: string;
  /** An Originate whose call may still be live moves only when created before this. */
  liveBefore: string;
  limit: number;
}

/**
 * The ids of one batch of archivable rows, locked until the transaction ends (the listener may
 * still write to a row until it is moved). Never a non-terminal row; a successful Originate whose
 * call has not ended only once very old.
 */
export async function archivableRows(db: Kysely<Database>, b: ArchiveBatch): Promise<number[]> {
  const d = dialectOf(db);
  const query = db
    .selectFrom('manager_queue')
    .select('id')
    .where('server', '=', b.server)
    .where('status', 'in', TERMINAL_STATUSES)
    .where(createdBefore(d, b.before))
    .where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['action']), '!=', 'originate'),
        eb('status', '!=', 'SUCCESS'),
        eb.and([eb('call_state', 'is not', null), eb('call_state', 'not in', LIVE_CALL_STATES)]),
        createdBefore(d, b.liveBefore),
      ]),
    )
    // No ORDER BY: the claim index (server, status, priority, id) finds old rows first and
    // LIMIT stops there; sorting by id would read every terminal row for each batch.
    .limit(b.limit);
  return (await d.forUpdate(query).execute()).map((r) => r.id);
}

/** Copy these rows into manager_queue_archive (INSERT…SELECT, columns named); the caller deletes them in the same transaction. */
export async function copyToArchive(db: Kysely<Database>, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await db
    .insertInto('manager_queue_archive')
    .columns(QUEUE_COLUMNS)
    .expression(db.selectFrom('manager_queue').select(QUEUE_COLUMNS).where('id', 'in', ids))
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n);
}

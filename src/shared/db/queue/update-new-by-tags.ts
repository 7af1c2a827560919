import { sql } from 'kysely';
import type { QueueDb } from '../../queue/types.js';
import { dialectOf } from '../dialect-of.js';
import { PENDING_COLUMNS, pendingRecords, type PendingState } from './pending-columns.js';

/**
 * Coalescing, a batch in ONE conditional UPDATE: each (server, tag)'s NEW row takes the newer
 * params and deadline. A row the sender has claimed is no longer NEW and is left alone
 * (PostgreSQL re-checks the WHERE after waiting for the claim's row lock; InnoDB's UPDATE reads
 * the latest committed status; SQLite has one writer), so a newer state never rides a row already
 * on its way. `states` holds one entry per (server, tag). Returns the rows changed.
 */
export async function updateNewByTags(db: QueueDb, states: readonly PendingState[]): Promise<number> {
  if (states.length === 0) return 0;
  const d = dialectOf(db);
  return d.updateFrom(
    db,
    'manager_queue',
    d.records(pendingRecords(states), 'p', PENDING_COLUMNS),
    sql`manager_queue.server = p.p_server AND manager_queue.tag = p.p_tag`,
    sql`params = p.p_params, expires_at = p.p_expires_at`,
    sql`manager_queue.status = 'NEW'`,
  );
}

import { sql } from 'kysely';
import type { QueueDb } from '../../queue/types.js';
import { dialectOf } from '../dialect-of.js';
import { PENDING_COLUMNS, pendingRecords, type PendingState } from './pending-columns.js';

/**
 * The fallback of updateNewByTags, a batch in ONE INSERT … SELECT: a NEW row of `action` for
 * each (server, tag) that has none (none pending, or the pending one claimed meanwhile).
 * Returns the rows inserted.
 */
export async function insertMissingNew(db: QueueDb, action: string, priority: number, states: readonly PendingState[]): Promise<number> {
  if (states.length === 0) return 0;
  const d = dialectOf(db);
  const from = d.records(pendingRecords(states), 'p', PENDING_COLUMNS);
  const res = await sql`INSERT INTO manager_queue (server, action, tag, params, priority, expires_at)
    SELECT p.p_server, ${action}, p.p_tag, p.p_params, ${priority}, p.p_expires_at FROM ${from}
    WHERE NOT EXISTS (SELECT 1 FROM manager_queue q WHERE q.server = p.p_server AND q.tag = p.p_tag AND q.status = 'NEW')`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

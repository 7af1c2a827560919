import type { QueueResultRow } from '../db/schema.js';
import type { QueueDb } from './types.js';

/** A row's list items in the order Asterisk sent them (empty for an action that answers no list). */
export async function listResults(db: QueueDb, queueId: number): Promise<QueueResultRow[]> {
  return db.selectFrom('manager_queue_results').selectAll().where('queue_id', '=', queueId).orderBy('seq').execute();
}

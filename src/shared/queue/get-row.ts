import type { QueueRow } from '../db/schema.js';
import type { QueueDb } from './types.js';

export async function getRow(db: QueueDb, id: number): Promise<QueueRow | undefined> {
  return db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirst();
}

import { dialectOf } from '../db/dialect-of.js';
import type { NewQueueRow } from '../db/schema.js';
import type { QueueDb } from './types.js';

/** What a client may set on a new row (SPEC §2, the client group). */
export type EnqueueInput = Pick<NewQueueRow, 'server' | 'action' | 'channel' | 'callerid' | 'priority' | 'not_before' | 'expires_at' | 'tag'> & {
  /** Further AMI headers; serialized to the JSON text the params column holds. */
  params?: Record<string, string | string[]>;
};

/** Insert one NEW row and return its id. */
export async function enqueue(db: QueueDb, input: EnqueueInput): Promise<number> {
  const { params, ...cols } = input;
  return dialectOf(db).insertId(db.insertInto('manager_queue').values({ ...cols, params: JSON.stringify(params ?? {}) }));
}

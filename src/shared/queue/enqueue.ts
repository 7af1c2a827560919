import { dialectOf } from '../db/dialect-of.js';
import type { NewQueueRow } from '../db/schema.js';
import type { QueueDb } from './types.js';

/** A params value as the column's JSON may hold it: numbers and booleans are sent as their text. */
export type ParamScalar = string | number | boolean;
/** A row's params: a header's value, or its repeats; `Variable` may also be an object `{"A":"1"}`. */
export type RowParams = Record<string, ParamScalar | ParamScalar[] | Record<string, ParamScalar>>;

/** What a client may set on a new row (SPEC §2, the client group). */
export type EnqueueInput = Pick<NewQueueRow, 'server' | 'action' | 'channel' | 'callerid' | 'priority' | 'not_before' | 'expires_at' | 'tag'> & {
  /** Further AMI headers; serialized to the JSON text the params column holds. */
  params?: RowParams;
};

/** Insert one NEW row and return its id. */
export async function enqueue(db: QueueDb, input: EnqueueInput): Promise<number> {
  const { params, ...cols } = input;
  return dialectOf(db).insertId(db.insertInto('manager_queue').values({ ...cols, params: JSON.stringify(params ?? {}) }));
}

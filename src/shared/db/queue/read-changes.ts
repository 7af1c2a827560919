import type { Kysely } from 'kysely';
import type { Database, QueueChange } from '../schema.js';

export interface ChangeFilter {
  /** Only changes of rows of these servers (undefined: any server; empty: none). */
  servers?: readonly string[];
  /** Only changes of rows with this tag. */
  tag?: string;
}

/** Up to `limit` logged changes with seq in (after, upTo], oldest first, matching `filter`. */
export async function readChanges(db: Kysely<Database>, after: number, limit: number, filter: ChangeFilter = {}, upTo?: number): Promise<QueueChange[]> {
  if (filter.servers?.length === 0) return [];
  let q = db.selectFrom('manager_queue_changes').selectAll().where('seq', '>', after);
  if (upTo !== undefined) q = q.where('seq', '<=', upTo);
  if (filter.servers !== undefined) q = q.where('server', 'in', filter.servers);
  if (filter.tag !== undefined) q = q.where('tag', '=', filter.tag);
  return q.orderBy('seq').limit(limit).execute();
}

/** The newest change's seq (0 when none is logged): where a reader that wants only what comes next starts. */
export async function lastChangeSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('manager_queue_changes')
    .select((eb) => eb.fn.max('seq').as('top'))
    .executeTakeFirst();
  return Number(row?.top ?? 0);
}

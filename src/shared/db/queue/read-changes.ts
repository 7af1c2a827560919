import type { Kysely } from 'kysely';
import type { Database, QueueChange, Time } from '../schema.js';

export interface ChangeFilter {
  /** Only changes of rows of these servers (undefined: any server; empty: none). */
  servers?: readonly string[];
  /** Only changes of rows with this tag. */
  tag?: string;
}

const UNIX_EPOCH_JULIAN_DAY = 2440587.5;

/** changed_at as a Time: SQLite stores a julianday number (the cheap default, migrations/0004). */
export function changeTime(v: Time | number): Time {
  return typeof v === 'number' ? new Date(Math.round((v - UNIX_EPOCH_JULIAN_DAY) * 86_400_000)).toISOString() : v;
}

/** Up to `limit` logged changes with seq in (after, upTo], oldest first, matching `filter`. */
export async function readChanges(db: Kysely<Database>, after: number, limit: number, filter: ChangeFilter = {}, upTo?: number): Promise<QueueChange[]> {
  if (filter.servers?.length === 0) return [];
  let q = db.selectFrom('manager_queue_changes').selectAll().where('seq', '>', after);
  if (upTo !== undefined) q = q.where('seq', '<=', upTo);
  if (filter.servers !== undefined) q = q.where('server', 'in', filter.servers);
  if (filter.tag !== undefined) q = q.where('tag', '=', filter.tag);
  const rows = await q.orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ ...r, changed_at: changeTime(r.changed_at) }));
}

/** The newest change's seq (0 when none is logged): where a reader that wants only what comes next starts. */
export async function lastChangeSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('manager_queue_changes')
    .select((eb) => eb.fn.max('seq').as('top'))
    .executeTakeFirst();
  return Number(row?.top ?? 0);
}

/** The oldest change still logged (0 when none): a reader resuming from before it has lost changes to the prune. */
export async function firstChangeSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('manager_queue_changes')
    .select((eb) => eb.fn.min('seq').as('low'))
    .executeTakeFirst();
  return Number(row?.low ?? 0);
}

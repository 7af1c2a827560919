import { sql } from 'kysely';
import { dialectOf } from '../dialect-of.js';
import type { QueueRow, QueueStatus } from '../schema.js';
import type { QueueDb } from '../../queue/types.js';

export interface ListRowsFilter {
  /** Only these servers; undefined = every server. */
  servers?: readonly string[];
  statuses?: readonly QueueStatus[];
  tag?: string;
  /** created_at at or after / before these instants (epoch ms). */
  fromMs?: number;
  toMs?: number;
  /** Paging: only rows with a smaller id (the previous page's last id). */
  beforeId?: number;
  limit: number;
}

/** Rows matching the filter, newest (highest id) first: the HTTP API's listing. */
export async function listRows(db: QueueDb, f: ListRowsFilter): Promise<QueueRow[]> {
  const d = dialectOf(db);
  let q = db.selectFrom('manager_queue').selectAll();
  if (f.servers !== undefined) q = f.servers.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('server', 'in', f.servers);
  if (f.statuses !== undefined && f.statuses.length > 0) q = q.where('status', 'in', f.statuses);
  if (f.tag !== undefined) q = q.where('tag', '=', f.tag);
  if (f.fromMs !== undefined) q = q.where(sql<boolean>`${d.instantMs('created_at')} >= ${f.fromMs}`);
  if (f.toMs !== undefined) q = q.where(sql<boolean>`${d.instantMs('created_at')} < ${f.toMs}`);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

import type { QueueRow } from '../db/schema.js';
import type { QueueDb } from './types.js';

/** The newest rows, newest first (for `amiq watch`); optionally one server's only. */
export async function listRecent(db: QueueDb, opts: { limit: number; server?: string }): Promise<QueueRow[]> {
  let q = db.selectFrom('manager_queue').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.server) q = q.where('server', '=', opts.server);
  return q.execute();
}

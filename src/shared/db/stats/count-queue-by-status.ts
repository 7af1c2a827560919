import type { Kysely } from 'kysely';
import type { Database, QueueStatus } from '../schema.js';

export interface QueueCount {
  server: string;
  status: QueueStatus;
  count: number;
}

/** Rows per (server, status) in manager_queue; the claim index covers it. */
export async function countQueueByStatus(db: Kysely<Database>, server?: string): Promise<QueueCount[]> {
  let q = db.selectFrom('manager_queue').select(['server', 'status', (eb) => eb.fn.countAll<number>().as('count')]);
  if (server !== undefined) q = q.where('server', '=', server);
  return q.groupBy(['server', 'status']).orderBy('server').orderBy('status').execute();
}

import { chunks } from './case-by-id.js';
import type { QueueDb } from './types.js';

/** One item of a list action's answer, as the sender keeps it. */
export interface ResultItem {
  event: string;
  /** JSON object of the item's headers. */
  headers: string;
}

/** Store a row's list items as seq 1..n; run in the transaction that records the row's response. */
export async function insertResults(db: QueueDb, queueId: number, items: readonly ResultItem[]): Promise<void> {
  const rows = items.map((item, i) => ({ queue_id: queueId, seq: i + 1, event: item.event, headers: item.headers }));
  for (const batch of chunks(rows, 200)) await db.insertInto('manager_queue_results').values(batch).execute();
}

import { updateNewByTag } from '../db/queue/update-new-by-tag.js';
import type { QueueDb } from './types.js';
import { enqueue, type RowParams } from './enqueue.js';

export interface PendingRow {
  server: string;
  action: string;
  /** One pending row per (server, tag): the coalescing key. */
  tag: string;
  params: RowParams;
  priority?: number;
  expires_at: string | null;
}

/**
 * At most one NEW row per (server, tag): a pending one takes the newer params, otherwise a row is
 * inserted (also when the sender claimed the pending one meanwhile: it goes as it was, this one after it).
 */
export async function putPendingRow(db: QueueDb, row: PendingRow): Promise<'updated' | 'inserted'> {
  const params = JSON.stringify(row.params);
  if ((await updateNewByTag(db, { server: row.server, tag: row.tag, params, expires_at: row.expires_at })) > 0) return 'updated';
  await enqueue(db, { server: row.server, action: row.action, tag: row.tag, params: row.params, priority: row.priority, expires_at: row.expires_at });
  return 'inserted';
}

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface PendingChange {
  server: string;
  tag: string;
  /** The params column's JSON text. */
  params: string;
  expires_at: string | null;
}

/**
 * Coalescing: the server's NEW row carrying `tag` takes the newer params (and deadline) instead
 * of being joined by another row. One conditional UPDATE: a row the sender has claimed is no
 * longer NEW and is left alone (PostgreSQL re-checks the WHERE after waiting for the claim's row
 * lock; InnoDB's UPDATE reads the latest committed status; SQLite has one writer), so a newer
 * state is never written into a row already on its way. Returns how many rows it changed (0:
 * insert one).
 */
export async function updateNewByTag(db: Kysely<Database>, c: PendingChange): Promise<number> {
  const res = await db
    .updateTable('manager_queue')
    .set({ params: c.params, expires_at: c.expires_at })
    .where('server', '=', c.server)
    .where('tag', '=', c.tag)
    .where('status', '=', 'NEW')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

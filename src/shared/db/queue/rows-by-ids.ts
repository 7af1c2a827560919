import type { Kysely } from 'kysely';
import type { Database, QueueRow } from '../schema.js';

/** A row as it is now: in the queue, or moved to the archive (then `archived`). */
export type CurrentRow = QueueRow & { archived?: true };

/** The current state of each of these rows, by id; an id in neither table is absent. */
export async function rowsByIds(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, CurrentRow>> {
  const found = new Map<number, CurrentRow>();
  if (ids.length === 0) return found;
  const unique = [...new Set(ids)];
  for (const r of await db.selectFrom('manager_queue').selectAll().where('id', 'in', unique).execute()) found.set(r.id, r);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length === 0) return found;
  for (const r of await db.selectFrom('manager_queue_archive').selectAll().where('id', 'in', missing).execute()) found.set(r.id, { ...r, archived: true });
  return found;
}

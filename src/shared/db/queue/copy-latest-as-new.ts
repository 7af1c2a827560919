import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect-of.js';
import type { Database } from '../schema.js';

export interface CopyLatest {
  /** The row to copy: the latest of its (server, tag) when read. */
  id: number;
  expires_at: string | null;
}

/**
 * Queues row `id` again as a NEW row (same server, action, tag, params, priority; new deadline),
 * in one INSERT … SELECT, only if it is still the latest row of its (server, tag) and not itself
 * NEW: a newer state written for that tag meanwhile is never overtaken by this older one.
 * Returns whether a row was inserted.
 */
export async function copyLatestAsNew(db: Kysely<Database>, c: CopyLatest): Promise<boolean> {
  const d = dialectOf(db);
  const res = await sql`INSERT INTO manager_queue (server, action, tag, params, priority, expires_at)
    SELECT r.server, r.action, r.tag, r.params, r.priority, ${d.bindTime(c.expires_at)}
    FROM manager_queue r
    WHERE r.id = ${c.id} AND r.status <> 'NEW'
      AND NOT EXISTS (SELECT 1 FROM manager_queue n WHERE n.server = r.server AND n.tag = r.tag AND n.id > r.id)`.execute(db);
  return Number(res.numAffectedRows ?? 0n) > 0;
}

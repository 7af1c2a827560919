import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { changeTime, lastChangeSeq } from './read-changes.js';

/**
 * Delete up to `limit` of the oldest logged changes made before `before`; returns how many.
 * The log is one stream for every server and has no index but seq (the triggers stay cheap), so
 * the prune reads its head in seq order and deletes the leading run that is old enough, whichever
 * server wrote it; two hosts pruning at once delete the same entries, which is harmless. The
 * newest entry always stays: on SQLite seq is the rowid, which restarts from the largest left.
 */
export async function pruneChanges(db: Kysely<Database>, _server: string, before: string, limit: number): Promise<number> {
  const head = await db.selectFrom('manager_queue_changes').select(['seq', 'changed_at']).orderBy('seq').limit(limit).execute();
  const newest = await lastChangeSeq(db);
  const cutoff = Date.parse(before);
  const due: number[] = [];
  for (const c of head) {
    if (c.seq === newest || Date.parse(changeTime(c.changed_at)) >= cutoff) break;
    due.push(c.seq);
  }
  if (due.length === 0) return 0;
  const res = await db.deleteFrom('manager_queue_changes').where('seq', 'in', due).executeTakeFirst();
  return Number(res.numDeletedRows);
}

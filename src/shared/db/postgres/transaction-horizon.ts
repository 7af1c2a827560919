import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/*
 * Whether a hole in manager_queue_changes.seq can still fill (change-feed/gap-tracker.ts). A seq
 * is taken by the AFTER trigger of a row write, so its transaction already has an id. If a seq
 * is missing below one that is visible, its transaction started before the reader saw the hole:
 * its id is below the `next` id read then. Once the oldest running transaction is at or past
 * that, the holder has ended: committed (its change is visible to the next read) or rolled back
 * (never). txid_* functions: PostgreSQL 12 has no pg_current_snapshot().
 */

/** The next transaction id to be assigned (every running or past transaction is below it). */
export async function nextTransactionId(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ x: number }>`SELECT txid_snapshot_xmax(txid_current_snapshot()) AS x`.execute(db);
  return Number(r.rows[0]!.x);
}

/** The oldest transaction id still running (or the next one when none is). */
export async function oldestRunningTransactionId(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ x: number }>`SELECT txid_snapshot_xmin(txid_current_snapshot()) AS x`.execute(db);
  return Number(r.rows[0]!.x);
}

import type { Kysely } from 'kysely';
import type { Database, WorkerRow } from '../db/schema.js';

export interface Reservation {
  server: string;
  name: string;
  /** Who reserved (keepalive's pid) until the started process registers over it. */
  pid: number;
  host: string;
  /** Also the reservation token the started process presents (AMIQ_RESERVATION). */
  at: string;
}

/**
 * Marks (server, name) 'starting' so no other keepalive starts it too. Compare-and-swap in one
 * statement: it replaces only the exact row the caller judged dead (same pid, started_at,
 * beat_at), or inserts when there was none. True = this caller won and should start the worker.
 */
export async function reserveWorker(db: Kysely<Database>, r: Reservation, seen: WorkerRow | undefined): Promise<boolean> {
  const fresh = { pid: r.pid, host: r.host, started_at: r.at, beat_at: r.at, state: 'starting', ami_state: 'n/a', counters: '{}', last_error: null, last_error_at: null };
  const result = await db
    .insertInto('workers')
    .values({ server: r.server, name: r.name, ...fresh })
    .onConflict((oc) => {
      const target = oc.columns(['server', 'name']);
      if (seen === undefined) return target.doNothing();
      return target
        .doUpdateSet(fresh)
        .where('workers.pid', '=', seen.pid)
        .where('workers.host', '=', seen.host)
        .where('workers.started_at', '=', seen.started_at)
        .where('workers.beat_at', '=', seen.beat_at);
    })
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

import type { Kysely } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import type { Database, WorkerRow } from '../db/schema.js';
import { readWorker } from './read-worker.js';
import { workerLockKey } from './worker-lock-key.js';

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
 * Marks (server, name) 'starting' so no other keepalive (on any host) starts it too.
 * Compare-and-swap under the registration's write lock: it replaces only the exact row the
 * caller judged dead (same pid, host, started_at, beat_at), or inserts when there was none.
 * True = this caller won and should start the worker.
 */
export async function reserveWorker(db: Kysely<Database>, r: Reservation, seen: WorkerRow | undefined): Promise<boolean> {
  const fresh = { pid: r.pid, host: r.host, started_at: r.at, beat_at: r.at, state: 'starting', ami_state: 'n/a', counters: '{}', last_error: null, last_error_at: null };
  return dialectOf(db).writeTransaction(db, workerLockKey(r.server, r.name), async (trx) => {
    const now = await readWorker(trx, r.server, r.name);
    if (seen === undefined) {
      if (now !== undefined) return false;
      await trx.insertInto('workers').values({ server: r.server, name: r.name, ...fresh }).execute();
      return true;
    }
    const unchanged = now !== undefined && now.pid === seen.pid && now.host === seen.host && now.started_at === seen.started_at && now.beat_at === seen.beat_at;
    if (!unchanged) return false;
    await trx.updateTable('workers').set(fresh).where('server', '=', r.server).where('name', '=', r.name).execute();
    return true;
  });
}

import type { Kysely } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
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
 * Marks (server, name) 'starting' so no other keepalive (on any host) starts it too.
 * Compare-and-swap: it replaces only the exact row the caller judged dead (same pid, host,
 * started_at, beat_at), or inserts when there was none. True = this caller won and should start the worker.
 */
export async function reserveWorker(db: Kysely<Database>, r: Reservation, seen: WorkerRow | undefined): Promise<boolean> {
  const fresh = {
    pid: r.pid,
    host: r.host,
    started_at: r.at,
    beat_at: r.at,
    state: 'starting',
    ami_state: 'n/a',
    counters: '{}',
    last_error: null,
    last_error_at: null,
  };
  return dialectOf(db).insertOrUpdateIf(
    db,
    'workers',
    { server: r.server, name: r.name, ...fresh },
    ['server', 'name'],
    seen === undefined
      ? undefined
      : {
          set: fresh,
          onlyIf: (eb) =>
            eb.and([
              eb('workers.pid', '=', seen.pid),
              eb('workers.host', '=', seen.host),
              eb('workers.started_at', '=', seen.started_at),
              eb('workers.beat_at', '=', seen.beat_at),
            ]),
        },
  );
}

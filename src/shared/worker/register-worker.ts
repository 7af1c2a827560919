import type { Kysely } from 'kysely';
import { dialectOf } from '../db/dialect-of.js';
import type { Database, WorkerRow } from '../db/schema.js';
import { WorkerAlreadyRunningError } from './errors.js';
import type { WorkerIdentity } from './identity.js';
import { isAlive } from './is-alive.js';
import { pidAlive } from './pid-alive.js';
import { readWorker } from './read-worker.js';
import { upsertWorker } from './upsert-worker.js';
import { workerLockKey } from './worker-lock-key.js';

export interface RegisterOptions {
  nowMs: number;
  beatSeconds: number;
  /** Injected for tests; default: signal 0 to the pid. */
  pidAlive?: (pid: number) => boolean;
  /** started_at of the 'starting' row keepalive reserved for this process (AMIQ_RESERVATION). */
  reservation?: string;
  /**
   * No instance of this worker runs in this process, so a row with our own pid and host is a
   * leftover from before a restart (containers reuse small pids), not a live twin.
   */
  notRunningHere?: boolean;
}

/** Why an existing row may be replaced; undefined = it belongs to a live instance. */
export function takeoverReason(row: WorkerRow, id: WorkerIdentity, opts: RegisterOptions): string | undefined {
  if (row.state === 'starting' && opts.reservation !== undefined && row.started_at === opts.reservation) return 'reserved for us';
  if (!isAlive(row, opts.nowMs, opts.beatSeconds)) return row.state === 'stopped' || row.state === 'crashed' ? row.state : 'stale';
  if (row.host !== id.host) return undefined;
  if (row.pid === id.pid) return opts.notRunningHere ? 'our pid, left over from before a restart' : undefined;
  if (!(opts.pidAlive ?? pidAlive)(row.pid)) return 'pid gone';
  return undefined;
}

/**
 * Claims (server, name) for this process, atomically across processes and hosts: read and write
 * happen in one write transaction locked on (server, name), so two starters cannot both see
 * "free". Returns the replaced row, if any.
 */
export async function registerWorker(db: Kysely<Database>, id: WorkerIdentity, opts: RegisterOptions): Promise<WorkerRow | undefined> {
  return dialectOf(db).writeTransaction(db, workerLockKey(id.server, id.name), async (trx) => {
    const row = await readWorker(trx, id.server, id.name);
    if (row !== undefined && takeoverReason(row, id, opts) === undefined) throw new WorkerAlreadyRunningError(row);
    await upsertWorker(trx, id);
    return row;
  });
}

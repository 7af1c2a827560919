import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import { isoNow } from '../time.js';
import { dialectOf, isBusy, LOOP_LOCK_WAIT_MS, withBusyTimeout } from '../db/index.js';
import { pruneConferences } from '../db/conferences/prune-conferences.js';
import { pruneEvents } from '../db/events/prune-events.js';
import { archivableRows, copyToArchive } from '../db/queue/copy-to-archive.js';
import { deleteQueueRows } from '../db/queue/delete-queue-rows.js';
import { pruneArchive } from '../db/queue/prune-archive.js';
import { pruneChanges } from '../db/queue/prune-changes.js';
import { resolveMaintenance, type MaintenanceConfig, type MaintenanceTask } from './settings.js';

export interface MaintenanceOptions {
  db: Kysely<Database>;
  server: string;
  tasks: readonly MaintenanceTask[];
  settings: MaintenanceConfig;
  logger: Logger;
  /** Injectable clock (ms) for tests. */
  now?: number;
}

/** Rows moved or deleted by one run, per task. */
export type MaintenanceReport = Partial<Record<MaintenanceTask, number>>;

const HOUR = 3_600_000;
const BUSY_RETRY_MS = 50;
const BUSY_ATTEMPTS = 200;

/**
 * Maintenance runs inside the workers, on the event loop that reads AMI: each batch waits
 * LOOP_LOCK_WAIT_MS at most for another process's lock, and one that finds the database locked
 * is tried again BUSY_RETRY_MS later (10 s in all, then the run fails and the next one goes on).
 */
async function batchOnLoop(db: Kysely<Database>, fn: (conn: Kysely<Database>) => Promise<number>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withBusyTimeout(db, LOOP_LOCK_WAIT_MS, fn);
    } catch (err) {
      if (!isBusy(err) || attempt >= BUSY_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }
}

/**
 * One batch of a job in a write transaction under the job's lock for this server (SQLite: the
 * write lock; PostgreSQL: an advisory lock; MySQL: a named lock), so hosts sharing a database
 * never run the same job for the same server at once (two archive copies of a row would collide).
 */
function lockedBatch(db: Kysely<Database>, job: string, server: string, fn: (trx: Kysely<Database>) => Promise<number>): Promise<number> {
  return batchOnLoop(db, (conn) => dialectOf(conn).writeTransaction(conn, `maintenance:${job}:${server}`, fn));
}

/** Move terminal rows to the archive, batch by batch, each batch one short write transaction. */
export async function archiveTerminalRows(o: Omit<MaintenanceOptions, 'tasks' | 'logger'>): Promise<number> {
  const now = o.now ?? Date.now();
  const s = resolveMaintenance(o.settings);
  const batch = {
    server: o.server,
    before: isoNow(now - s.archive_after_hours * HOUR),
    liveBefore: isoNow(now - Math.max(s.archive_after_hours, s.stale_call_hours) * HOUR),
    limit: s.batch_size,
  };
  let moved = 0;
  for (;;) {
    const n = await lockedBatch(o.db, 'archive', o.server, async (trx) => {
      const ids = await archivableRows(trx, batch);
      await copyToArchive(trx, ids);
      return deleteQueueRows(trx, ids);
    });
    moved += n;
    if (n < batch.limit) return moved;
  }
}

type Prune = (db: Kysely<Database>, server: string, before: string, limit: number) => Promise<number>;
type PruneTask = Exclude<MaintenanceTask, 'archive'>;
const PRUNES: Record<PruneTask, Prune> = {
  'prune-archive': pruneArchive,
  'prune-events': pruneEvents,
  'prune-conferences': pruneConferences,
  'prune-changes': pruneChanges,
};

async function pruneAll(o: MaintenanceOptions, task: PruneTask): Promise<number> {
  const s = resolveMaintenance(o.settings);
  const keepHours = task === 'prune-changes' ? s.changes_keep_hours : s.prune_after_days * 24;
  if (keepHours <= 0) return 0;
  const before = isoNow((o.now ?? Date.now()) - keepHours * HOUR);
  let deleted = 0;
  for (;;) {
    const n = await lockedBatch(o.db, task, o.server, (trx) => PRUNES[task](trx, o.server, before, s.batch_size));
    deleted += n;
    if (n < s.batch_size) return deleted;
  }
}

/** Run the given tasks once and log what moved (every run, so an operator sees it works). */
export async function runMaintenance(o: MaintenanceOptions): Promise<MaintenanceReport> {
  const report: MaintenanceReport = {};
  for (const task of o.tasks) {
    report[task] = task === 'archive' ? await archiveTerminalRows(o) : await pruneAll(o, task);
  }
  o.logger.info({ server: o.server, ...report }, 'maintenance: rows archived/pruned');
  return report;
}

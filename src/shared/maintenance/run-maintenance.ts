import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import { isoNow } from '../time.js';
import { copyToArchive } from './copy-to-archive.js';
import { deleteQueueRows } from './delete-queue-rows.js';
import { immediateTransactionAsync } from '../db/index.js';
import { pruneArchive } from './prune-archive.js';
import { pruneConferences } from './prune-conferences.js';
import { pruneEvents } from './prune-events.js';
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

/** Move terminal rows to the archive, batch by batch, each batch one short BEGIN IMMEDIATE transaction. */
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
    const n = await immediateTransactionAsync(o.db, async (trx) => deleteQueueRows(trx, await copyToArchive(trx, batch)));
    moved += n;
    if (n < batch.limit) return moved;
  }
}

type Prune = (db: Kysely<Database>, server: string, before: string, limit: number) => Promise<number>;
const PRUNES: Record<Exclude<MaintenanceTask, 'archive'>, Prune> = {
  'prune-archive': pruneArchive,
  'prune-events': pruneEvents,
  'prune-conferences': pruneConferences,
};

async function pruneAll(o: MaintenanceOptions, prune: Prune): Promise<number> {
  const s = resolveMaintenance(o.settings);
  if (s.prune_after_days <= 0) return 0;
  const before = isoNow((o.now ?? Date.now()) - s.prune_after_days * 24 * HOUR);
  let deleted = 0;
  for (;;) {
    const n = await prune(o.db, o.server, before, s.batch_size);
    deleted += n;
    if (n < s.batch_size) return deleted;
  }
}

/** Run the given tasks once and log what moved (every run, so an operator sees it works). */
export async function runMaintenance(o: MaintenanceOptions): Promise<MaintenanceReport> {
  const report: MaintenanceReport = {};
  for (const task of o.tasks) {
    report[task] = task === 'archive' ? await archiveTerminalRows(o) : await pruneAll(o, PRUNES[task]);
  }
  o.logger.info({ server: o.server, ...report }, 'maintenance: rows archived/pruned');
  return report;
}

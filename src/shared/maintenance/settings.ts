/**
 * `[maintenance]` in amiq.toml (schedule, archive_after_hours, prune_after_days); the other keys
 * take these defaults unless the config gives them.
 */
export interface MaintenanceSettings {
  /** node-cron, with seconds. */
  schedule: string;
  /** Terminal manager_queue rows older than this move to manager_queue_archive. */
  archive_after_hours: number;
  /**
   * An Originate that succeeded but whose call may still be going (call_state NULL, DIALING,
   * RINGING or UP) stays until this old, so the listener can still finish it.
   */
  stale_call_hours: number;
  /** Archive rows, manager_events and closed conferences older than this are deleted; 0 = keep forever. */
  prune_after_days: number;
  /** Entries of the change log (manager_queue_changes) older than this are deleted: how far back a /v1/changes stream can resume. */
  changes_keep_hours: number;
  /** Rows per statement/transaction: keeps each write lock short. */
  batch_size: number;
}

export const DEFAULT_MAINTENANCE: MaintenanceSettings = {
  schedule: '0 17 * * * *',
  archive_after_hours: 24,
  stale_call_hours: 24,
  prune_after_days: 30,
  changes_keep_hours: 24,
  batch_size: 500,
};

/** What callers pass: `config.maintenance` as it is; missing keys take the defaults. */
export type MaintenanceConfig = Partial<MaintenanceSettings>;

export function resolveMaintenance(c: MaintenanceConfig): MaintenanceSettings {
  return { ...DEFAULT_MAINTENANCE, ...c };
}

/** Which maintenance each worker does: the owner of a table keeps it (SPEC §2, each writes its own). */
export type MaintenanceTask = 'archive' | 'prune-archive' | 'prune-events' | 'prune-conferences' | 'prune-changes';

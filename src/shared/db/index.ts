export type { Database, QueueRow, NewQueueRow, WorkerRow, Time } from './schema.js';
export { migrateToLatest, pendingMigrations, MigrationError } from './migrate.js';
// SQLite-specific pieces; a PostgreSQL port replaces these files (it needs no checkpointer).
export { openDatabase, applySqlitePragmas, type OpenDatabase } from './sqlite/open.js';
export { immediateTransaction, immediateTransactionAsync } from './sqlite/immediate-transaction.js';
export { isBusy, unlessBusy, withBusyTimeout, LOOP_LOCK_WAIT_MS } from './sqlite/busy.js';
export { createChangeSignal, ChangeSignal, type ChangeSignalOptions } from './sqlite/change-signal.js';
export { startCheckpointer, type Checkpointer, type CheckpointerOptions } from './sqlite/checkpointer.js';
export { countQueueByStatus, type QueueCount } from './stats/count-queue-by-status.js';
export { oldestNewRow } from './stats/oldest-new-row.js';

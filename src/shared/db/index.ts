export type { Database, QueueRow, NewQueueRow, WorkerRow, Time } from './schema.js';
export { migrateToLatest, pendingMigrations, MigrationError } from './migrate.js';
export type { AmiqDatabase, WakeSignalOptions } from './amiq-database.js';
export { openDatabase, type DatabaseTarget } from './open-database.js';
export { DatabaseUnreachableError } from './database-unreachable-error.js';
export { parseDatabaseUrl, redactUrl, DatabaseUrlError, DATABASE_URL_RULE, type DatabaseUrl } from './database-url.js';
export type { AmiqDialect, Engine } from './dialect.js';
export { dialectOf } from './dialect-of.js';
export { WakeSignal } from './wake-signal.js';
export { isConnectionLost } from './connection-lost.js';
export { isBusy, unlessBusy, withBusyTimeout, transactionWithLockWait, writeBatch, LOOP_LOCK_WAIT_MS } from './lock-wait.js';
// SQLite-only pieces (the file handle, its checkpoints, its commit counter).
export { openSqlite, applySqlitePragmas, type OpenSqlite } from './sqlite/open.js';
export { immediateTransaction, immediateTransactionAsync } from './sqlite/immediate-transaction.js';
export { createChangeSignal, ChangeSignal, type ChangeSignalOptions } from './sqlite/change-signal.js';
export { startCheckpointer, type Checkpointer, type CheckpointerOptions } from './sqlite/checkpointer.js';
export { shareCheckpointer } from './sqlite/shared-checkpointer.js';
export { countQueueByStatus, type QueueCount } from './stats/count-queue-by-status.js';
export { oldestNewRow } from './stats/oldest-new-row.js';

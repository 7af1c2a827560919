/**
 * `amiq/client`: enqueue, read, wait for and cancel manager_queue rows from a Node program, with
 * the action-sender's own row rules checked before the INSERT. Open the database with
 * `openDatabase` (SQLite file, PostgreSQL or MySQL/MariaDB URL) and hand its `db` to AmiqClient.
 */
export { AmiqClient, type AmiqClientOptions, type ResultItem, type WaitOptions, type WaitUntil } from './amiq-client.js';
export { RowNotFoundError, RowRejectedError, WaitTimeoutError } from './errors.js';
export type { CallRef, HangupInput, OriginateInput, RedirectInput, RowOptions } from '../shared/queue/row-input.js';
export { openDatabase, migrateToLatest, type AmiqDatabase } from '../shared/db/index.js';
export { CALL_STATES, QUEUE_STATUSES, TERMINAL_STATUSES, type CallState, type QueueRow, type QueueStatus } from '../shared/db/schema.js';
export type { EnqueueInput, ParamScalar, RowParams } from '../shared/queue/index.js';

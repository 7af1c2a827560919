// The package's root entry (`import ... from 'amiq'`): the queue's row types and status names, for
// Node programs that read or insert manager_queue rows. The typed client is `amiq/client`.
export {
  CALL_STATES,
  LIVE_CALL_STATES,
  QUEUE_STATUSES,
  TERMINAL_STATUSES,
  type CallState,
  type Database,
  type NewQueueRow,
  type QueueResultRow,
  type QueueRow,
  type QueueStatus,
  type Time,
  type WorkerRow,
} from './shared/db/schema.js';

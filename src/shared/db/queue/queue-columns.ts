import type { ManagerQueueTable } from '../schema.js';

/** Every manager_queue column, named, so the archive copy never depends on column order. */
export const QUEUE_COLUMNS = [
  'id',
  'server',
  'action',
  'channel',
  'callerid',
  'params',
  'priority',
  'not_before',
  'expires_at',
  'tag',
  'status',
  'created_at',
  'sent_at',
  'response_at',
  'action_id',
  'response',
  'message',
  'uniqueid',
  'linkedid',
  'call_channel',
  'call_state',
  'call_reason',
  'answered_at',
  'ended_at',
  'hangup_cause',
  'hangup_cause_txt',
] as const satisfies readonly (keyof ManagerQueueTable)[];

// A column added to the schema but not here fails to compile instead of vanishing from the archive.
type Missing = Exclude<keyof ManagerQueueTable, (typeof QUEUE_COLUMNS)[number]>;
export const QUEUE_COLUMNS_COMPLETE: [Missing] extends [never] ? true : Missing = true;

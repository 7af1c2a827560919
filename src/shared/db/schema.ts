import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * A time as amiq sees it on every engine: UTC text `YYYY-MM-DDTHH:MM:SS.mmmZ` (SPEC §2). SQLite
 * stores that text (clients may write other forms, queue/queue-time.ts); PostgreSQL and MySQL
 * store native timestamps, and their drivers are set to hand them back in this same form.
 */
export type Time = string;

/** Every time column of every table: MySQL's driver seam converts amiq's ISO text for these. */
export const TIME_COLUMNS: ReadonlySet<string> = new Set([
  'not_before',
  'expires_at',
  'created_at',
  'sent_at',
  'response_at',
  'answered_at',
  'ended_at',
  'started_at',
  'beat_at',
  'last_error_at',
  'time',
  'alone_since',
  'first_seen',
  'last_seen',
  'closed_at',
  'changed_at',
]);

export const QUEUE_STATUSES = ['NEW', 'SENDING', 'SENT', 'SUCCESS', 'FAILED', 'LOST', 'INVALID', 'EXPIRED', 'CANCELLED'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];
/** Statuses after which a row never changes status again. */
export const TERMINAL_STATUSES: readonly QueueStatus[] = ['SUCCESS', 'FAILED', 'LOST', 'INVALID', 'EXPIRED', 'CANCELLED'];

export const CALL_STATES = ['DIALING', 'RINGING', 'UP', 'ENDED', 'FAILED'] as const;
export type CallState = (typeof CALL_STATES)[number];
/** States of a call still in progress (the listener may still write to its row). */
export const LIVE_CALL_STATES = ['DIALING', 'RINGING', 'UP'] as const;

/** Columns of manager_queue and manager_queue_archive; comments say who writes them. */
export interface ManagerQueueTable {
  id: Generated<number>;
  // client
  server: ColumnType<string, string | undefined, string>;
  action: string;
  channel: string | null;
  callerid: string | null;
  params: ColumnType<string, string | undefined, string>;
  priority: ColumnType<number, number | undefined, number>;
  not_before: Time | null;
  expires_at: Time | null;
  tag: string | null;
  status: ColumnType<QueueStatus, QueueStatus | undefined, QueueStatus>;
  created_at: ColumnType<Time, Time | undefined, never>;
  // action-sender
  sent_at: Time | null;
  response_at: Time | null;
  action_id: string | null;
  response: string | null;
  message: string | null;
  // manager-listener
  uniqueid: string | null;
  linkedid: string | null;
  call_channel: string | null;
  call_state: CallState | null;
  call_reason: number | null;
  answered_at: Time | null;
  ended_at: Time | null;
  hangup_cause: number | null;
  hangup_cause_txt: string | null;
}

export interface ManagerQueueArchiveTable extends Omit<ManagerQueueTable, 'id' | 'created_at'> {
  id: number;
  created_at: Time;
}

export interface WorkersTable {
  server: string;
  name: string;
  pid: number;
  host: string;
  started_at: Time;
  beat_at: Time;
  /** starting | running | stopping | stopped | crashed */
  state: string;
  /** disconnected | connecting | connected | n/a */
  ami_state: string;
  /** JSON object of counters (sent, failed, events, ...), written with each beat. */
  counters: ColumnType<string, string | undefined, string>;
  last_error: string | null;
  last_error_at: Time | null;
}

export interface ManagerEventsTable {
  id: Generated<number>;
  server: string;
  time: Time;
  event: string;
  uniqueid: string | null;
  channel: string | null;
  queue_id: number | null;
  /** Every header, in order, as JSON `[[key, value], ...]`. */
  headers: string;
}

/** The items a list action answered with (CoreShowChannels, Status, ...), kept by the action-sender. */
export interface ManagerQueueResultsTable {
  /** The row's id (in manager_queue or, once archived, manager_queue_archive). */
  queue_id: number;
  /** 1, 2, ... in the order Asterisk sent the items. */
  seq: number;
  /** The item's event name, e.g. CoreShowChannel, Status, ConfbridgeList. */
  event: string;
  /** Every header as a JSON object; a repeated header (ChanVariable, Variable) is an array of its values. */
  headers: string;
}

/** One INSERT or UPDATE of a manager_queue row, logged by triggers (migrations/0004-queue-changes). */
export interface ManagerQueueChangesTable {
  /** Increases with every change; never reused. */
  seq: Generated<number>;
  queue_id: number;
  /** The row's server and tag when it changed. */
  server: string;
  tag: string | null;
  /** A Time on PostgreSQL and MySQL; on SQLite a julianday number (queue/read-changes.ts reads either as a Time). */
  changed_at: ColumnType<Time | number, never, never>;
}

export interface ConferencesTable {
  id: Generated<number>;
  server: string;
  /** confbridge | meetme */
  kind: string;
  room: string;
  /** JSON array of members: channel, user number, joined_at, kicked (reason) */
  members: ColumnType<string, string | undefined, string>;
  member_count: ColumnType<number, number | undefined, number>;
  alone_since: Time | null;
  first_seen: Time;
  last_seen: Time;
  closed_at: Time | null;
}

export interface Database {
  manager_queue: ManagerQueueTable;
  manager_queue_archive: ManagerQueueArchiveTable;
  workers: WorkersTable;
  manager_events: ManagerEventsTable;
  manager_queue_results: ManagerQueueResultsTable;
  conferences: ConferencesTable;
  manager_queue_changes: ManagerQueueChangesTable;
}

export type QueueRow = Selectable<ManagerQueueTable>;
export type NewQueueRow = Insertable<ManagerQueueTable>;
export type QueueResultRow = Selectable<ManagerQueueResultsTable>;
export type WorkerRow = Selectable<WorkersTable>;
export type QueueChange = Omit<Selectable<ManagerQueueChangesTable>, 'changed_at'> & { changed_at: Time };

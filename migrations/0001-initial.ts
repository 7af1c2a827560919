import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/shared/db/dialect-of.js';
import * as server from './server/0001-initial.js';

// PostgreSQL and MySQL/MariaDB: server/0001-initial.ts. Below, SQLite.

// SQLite's default for a time column; the same text format a client gets from isoNow().
const NOW = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

const STATUS_CHECK = sql`status IN ('NEW','SENDING','SENT','SUCCESS','FAILED','LOST','INVALID','EXPIRED','CANCELLED')`;
const CALL_STATE_CHECK = sql`call_state IS NULL OR call_state IN ('DIALING','RINGING','UP','ENDED','FAILED')`;
const PARAMS_CHECK = sql`json_valid(params)`;

// The queue and its archive share their columns; the archive keeps the original id.
type TableBuilder = ReturnType<Kysely<unknown>['schema']['createTable']>;
function queueColumns(t: TableBuilder, archive: boolean): TableBuilder {
  let b: TableBuilder = archive ? t.addColumn('id', 'integer', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  b = b
    .addColumn('server', 'text', (c) => c.notNull().defaultTo('default'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('callerid', 'text')
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('tag', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('NEW'))
    .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(NOW))
    .addColumn('sent_at', 'text')
    .addColumn('response_at', 'text')
    .addColumn('action_id', 'text')
    .addColumn('response', 'text')
    .addColumn('message', 'text')
    .addColumn('uniqueid', 'text')
    .addColumn('linkedid', 'text')
    .addColumn('call_channel', 'text')
    .addColumn('call_state', 'text')
    .addColumn('call_reason', 'integer')
    .addColumn('answered_at', 'text')
    .addColumn('ended_at', 'text')
    .addColumn('hangup_cause', 'integer')
    .addColumn('hangup_cause_txt', 'text');
  return b;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  if (engine !== 'sqlite') return server.up(db, engine);
  await queueColumns(db.schema.createTable('manager_queue'), false)
    .addCheckConstraint('manager_queue_status', STATUS_CHECK)
    .addCheckConstraint('manager_queue_call_state', CALL_STATE_CHECK)
    .addCheckConstraint('manager_queue_params', PARAMS_CHECK)
    .execute();
  // The claim: NEW rows of one server, highest priority first, then oldest.
  await db.schema.createIndex('manager_queue_claim').on('manager_queue').columns(['server', 'status', 'priority desc', 'id']).execute();
  await db.schema.createIndex('manager_queue_callerid').on('manager_queue').columns(['callerid']).execute();
  await db.schema.createIndex('manager_queue_uniqueid').on('manager_queue').columns(['uniqueid']).execute();
  await db.schema.createIndex('manager_queue_action_id').on('manager_queue').columns(['action_id']).execute();
  // Archive sweeps look for terminal rows by age.
  await db.schema.createIndex('manager_queue_created').on('manager_queue').columns(['created_at']).execute();

  await queueColumns(db.schema.createTable('manager_queue_archive'), true).execute();
  await db.schema.createIndex('manager_queue_archive_created').on('manager_queue_archive').columns(['created_at']).execute();
  await db.schema.createIndex('manager_queue_archive_callerid').on('manager_queue_archive').columns(['callerid']).execute();

  await db.schema
    .createTable('workers')
    .addColumn('server', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('beat_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('ami_state', 'text', (c) => c.notNull().defaultTo('n/a'))
    .addColumn('counters', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addPrimaryKeyConstraint('workers_pk', ['server', 'name'])
    .execute();

  await db.schema
    .createTable('manager_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('server', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('uniqueid', 'text')
    .addColumn('channel', 'text')
    .addColumn('queue_id', 'integer')
    .addColumn('headers', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('manager_events_time').on('manager_events').columns(['time']).execute();
  await db.schema.createIndex('manager_events_queue_id').on('manager_events').columns(['queue_id']).execute();

  await db.schema
    .createTable('conferences')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('server', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('confbridge','meetme')`))
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('members', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('alone_since', 'text')
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  await db.schema.createIndex('conferences_open').on('conferences').columns(['server', 'kind', 'room', 'closed_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  if (engine !== 'sqlite') return server.down(db, engine);
  for (const t of ['conferences', 'manager_events', 'workers', 'manager_queue_archive', 'manager_queue']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}

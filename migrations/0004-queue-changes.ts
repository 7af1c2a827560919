import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/shared/db/dialect-of.js';
import * as server from './server/0002-queue-changes.js';

// PostgreSQL and MySQL/MariaDB: server/0002-queue-changes.ts. Below, SQLite.

/*
 * manager_queue_changes: one row per INSERT or UPDATE of a manager_queue row, written by
 * triggers, so a change any writer makes (a worker, a client in any language, an SQL shell) is
 * seen. `seq` only increases, so a reader that remembers the last seq it saw can resume without
 * losing a change (the HTTP API's /v1/changes stream). The row's server and tag are copied so a
 * reader filters without a join, even once the row has moved to the archive.
 *
 * Kept cheap because workers update rows a lot (measured: BENCHMARKS.md): one narrow INSERT per
 * write, no index but the primary key (readers and the prune walk seq order). On SQLite `seq` is
 * the rowid, not AUTOINCREMENT (its sqlite_sequence write cost a fifth of the insert rate):
 * rowids only grow while the newest entry stays, and the prune never deletes it. `changed_at` is
 * julianday('now'), a REAL (strftime's text cost as much again); readers turn it into amiq's ISO
 * text. DELETEs (the archive sweep) log nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  if (engine !== 'sqlite') return server.up(db, engine);
  await sql`CREATE TABLE manager_queue_changes (
    seq integer PRIMARY KEY,
    queue_id integer NOT NULL,
    server text NOT NULL,
    tag text,
    changed_at real NOT NULL DEFAULT (julianday('now'))
  )`.execute(db);
  for (const event of ['INSERT', 'UPDATE']) {
    await sql`CREATE TRIGGER ${sql.raw(`manager_queue_change_${event.toLowerCase()}`)} AFTER ${sql.raw(event)} ON manager_queue
      BEGIN INSERT INTO manager_queue_changes (queue_id, server, tag) VALUES (NEW.id, NEW.server, NEW.tag); END`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  if (engine !== 'sqlite') return server.down(db, engine);
  await sql`DROP TRIGGER IF EXISTS manager_queue_change_insert`.execute(db);
  await sql`DROP TRIGGER IF EXISTS manager_queue_change_update`.execute(db);
  await sql`DROP TABLE IF EXISTS manager_queue_changes`.execute(db);
}

import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/shared/db/dialect-of.js';

/*
 * An index on (server, tag) of manager_queue: the device relay keeps at most one NEW row per
 * (server, tag) and finds it, or the latest row of a tag, with every write; without it each
 * lookup would walk every NEW row of the server. Clients listing a server's rows by tag use it
 * too. Not `status`: the sender's claim changes a row's status, and on MySQL/MariaDB claims then
 * deadlocked with the relay's reads of an index holding it. The same statement on every engine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX manager_queue_tag ON manager_queue (server, tag)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db).engine === 'mysql') await sql`DROP INDEX manager_queue_tag ON manager_queue`.execute(db);
  else await sql`DROP INDEX IF EXISTS manager_queue_tag`.execute(db);
}

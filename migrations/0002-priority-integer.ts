import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/shared/db/dialect-of.js';

/*
 * manager_queue.priority must be an integer (SPEC §2): 1.5 or 'high' are refused at INSERT and
 * UPDATE. SQLite applies the column's integer affinity first, so '5' and 5.0 arrive as 5 and pass.
 *
 * Triggers, not a table rebuild with a CHECK: a rebuild copies every row under the write lock
 * while workers and clients wait, and must carry over ids, indexes and the AUTOINCREMENT
 * sequence (ids must never be reused: the archive keeps them). It would also have to refuse or
 * rewrite rows that 0001 accepted. The triggers change no existing row and add no cost but one
 * typeof() per INSERT, and UPDATEs that leave priority alone (every worker's) do not fire them.
 * The archive needs none: only amiq writes it, copying queue rows as they are.
 *
 * PostgreSQL and MySQL/MariaDB need nothing: their integer column refuses 'high' itself.
 */
const MESSAGE = `'manager_queue.priority must be an integer'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db).engine !== 'sqlite') return;
  await sql`CREATE TRIGGER manager_queue_priority_insert BEFORE INSERT ON manager_queue
    WHEN typeof(NEW.priority) <> 'integer'
    BEGIN SELECT RAISE(ABORT, ${sql.raw(MESSAGE)}); END`.execute(db);
  await sql`CREATE TRIGGER manager_queue_priority_update BEFORE UPDATE OF priority ON manager_queue
    WHEN typeof(NEW.priority) <> 'integer'
    BEGIN SELECT RAISE(ABORT, ${sql.raw(MESSAGE)}); END`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db).engine !== 'sqlite') return;
  await sql`DROP TRIGGER IF EXISTS manager_queue_priority_insert`.execute(db);
  await sql`DROP TRIGGER IF EXISTS manager_queue_priority_update`.execute(db);
}

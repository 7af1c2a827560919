import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/shared/db/dialect-of.js';

/*
 * manager_queue.priority must be an integer (SPEC §2; 0002 made SQLite refuse 1.5). On PostgreSQL
 * and MySQL/MariaDB an integer column rounds what it is given before any CHECK or trigger sees it
 * (MySQL rounds 1.5 and '1.5'; PostgreSQL a literal 1.5 or a float parameter), so a client's 1.5
 * silently became priority 2. The column now holds any number and a CHECK refuses what is not a
 * whole number in the 32-bit range it had: 1.5 is refused at INSERT as on SQLite, 5.0 and '7' are
 * stored as 5 and 7. DOUBLE, not NUMERIC/DECIMAL: every driver still reads it as a plain number
 * (pg and mysql2 return NUMERIC/DECIMAL as strings), and it holds every 32-bit integer exactly.
 * The claim index is rebuilt by the ALTER. The archive keeps its integer column: only amiq writes
 * it, copying values this CHECK already passed.
 */
const MIN = -2147483648;
const MAX = 2147483647;

export async function up(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  if (engine === 'postgres') {
    await sql`ALTER TABLE manager_queue ALTER COLUMN priority TYPE double precision,
      ADD CONSTRAINT manager_queue_priority_integer CHECK (priority = trunc(priority) AND priority BETWEEN ${sql.lit(MIN)} AND ${sql.lit(MAX)})`.execute(db);
  } else if (engine === 'mysql') {
    await sql`ALTER TABLE manager_queue MODIFY priority DOUBLE NOT NULL DEFAULT 0,
      ADD CONSTRAINT manager_queue_priority_integer CHECK (priority = FLOOR(priority) AND priority BETWEEN ${sql.lit(MIN)} AND ${sql.lit(MAX)})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  if (engine === 'postgres') {
    await sql`ALTER TABLE manager_queue DROP CONSTRAINT manager_queue_priority_integer,
      ALTER COLUMN priority TYPE integer`.execute(db);
  } else if (engine === 'mysql') {
    await sql`ALTER TABLE manager_queue DROP CONSTRAINT manager_queue_priority_integer, MODIFY priority integer NOT NULL DEFAULT 0`.execute(db);
  }
}

import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/shared/db/dialect-of.js';

/*
 * manager_queue_results: the items a list action answered with (CoreShowChannels, Status,
 * QueueStatus, ConfbridgeList, ...), one row per item, written by the action-sender in the same
 * transaction as the row's response. Its own table, not a JSON column on the row: reporting
 * reads it with a plain SELECT ... WHERE queue_id = ? ORDER BY seq on every engine, and the
 * queue row stays small for the claim. Keyed by the row's id, which the archive keeps, so the
 * items follow the row into manager_queue_archive without a copy; pruning the archive deletes
 * them. No foreign key for the same reason. `headers` is a JSON object, one key per header, a
 * repeated header an array of its values (the shape of a row's params).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { engine } = dialectOf(db);
  const [id, key, long, end] =
    engine === 'postgres'
      ? [sql`bigint`, sql`text`, sql`text`, sql``]
      : engine === 'mysql'
        ? [sql`BIGINT`, sql`VARCHAR(255)`, sql`MEDIUMTEXT`, sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`]
        : [sql`integer`, sql`text`, sql`text`, sql``];
  await sql`CREATE TABLE manager_queue_results (
    queue_id ${id} NOT NULL,
    seq integer NOT NULL,
    event ${key} NOT NULL,
    headers ${long} NOT NULL,
    CONSTRAINT manager_queue_results_pk PRIMARY KEY (queue_id, seq)
  ) ${end}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS manager_queue_results`.execute(db);
}

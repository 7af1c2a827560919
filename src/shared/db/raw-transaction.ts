import { sql, type Kysely } from 'kysely';

/**
 * `begin`, then `fn`, then COMMIT (ROLLBACK on throw), on a connection the caller holds
 * (`db.connection().execute`): for transactions kysely's builder cannot open (SQLite's BEGIN
 * IMMEDIATE) or that must share a connection with a session lock (MySQL's GET_LOCK).
 */
export async function rawTransaction<DB, T>(
  conn: Kysely<DB>,
  begin: { execute(conn: Kysely<DB>): Promise<unknown> },
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  await begin.execute(conn);
  try {
    const result = await fn(conn);
    await sql`COMMIT`.execute(conn);
    return result;
  } catch (err) {
    await sql`ROLLBACK`.execute(conn);
    throw err;
  }
}

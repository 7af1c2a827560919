import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/**
 * Run fn inside `BEGIN IMMEDIATE` on one connection: the write lock is taken up front (waiting
 * out busy_timeout) instead of failing at the first write, and Kysely's connection lock keeps
 * this process's other queries out of the transaction. SQLite-only.
 */
export function immediateTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn);
      throw err;
    }
  });
}

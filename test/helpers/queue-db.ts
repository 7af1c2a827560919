import type { Kysely } from 'kysely';
import type { Database, QueueRow } from '../../src/shared/db/schema.js';
import { tempDb, type TempDb } from './shared-helpers.js';

export type TestDb = TempDb;

/** A migrated database (WAL, as amiq opens it) in a fresh temp directory; cleanup removes it. */
export function openTestDb(): Promise<TestDb> {
  return tempDb('amiq-queue-');
}

export async function rowById(db: Kysely<Database>, id: number): Promise<QueueRow> {
  return db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

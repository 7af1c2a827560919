import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../src/shared/db/index.js';
import type { Database, QueueRow } from '../src/shared/db/schema.js';

export interface TestDb extends OpenDatabase {
  dir: string;
}

/** A migrated database (WAL, as amiq opens it) in a fresh temp directory, removed on close. */
export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-queue-'));
  const handle = openDatabase(join(dir, 'amiq.db'));
  await migrateToLatest(handle.db);
  return {
    ...handle,
    dir,
    close: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function rowById(db: Kysely<Database>, id: number): Promise<QueueRow> {
  return db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { migrations } from '../migrations/index.js';
import type { Database, QueueRow } from '../src/shared/db/schema.js';

export interface TestDb {
  path: string;
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** A migrated database in a fresh temp directory, removed on close. */
export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-queue-'));
  const path = join(dir, 'amiq.db');
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
  return {
    path,
    db,
    sqlite,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function rowById(db: Kysely<Database>, id: number): Promise<QueueRow> {
  return db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

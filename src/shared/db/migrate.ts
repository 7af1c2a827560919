import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from '../../../migrations/index.js';
import { dialectOf } from './dialect-of.js';
import { immediateTransactionAsync } from './sqlite/immediate-transaction.js';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    readonly migration: string | undefined,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Static provider: migrations are compiled in, never discovered on disk at run time. */
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Applies every pending migration; returns the names applied now (empty when up to date).
 * Several amiq processes may start at once (keepalive) and kysely takes no migration lock on
 * SQLite, so the whole run (migration tables included) is one BEGIN IMMEDIATE transaction: a
 * second migrator waits for the write lock, then finds the work done. A failure rolls back
 * every migration of the run. On PostgreSQL and MySQL kysely's own migration lock does this.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (dialectOf(db).engine !== 'sqlite') return runMigrator(createMigrator(db));
  return immediateTransactionAsync(db, (trx) =>
    runMigrator(new Migrator({ db: trx, provider: { getMigrations: async () => migrations }, disableTransactions: true })),
  );
}

async function runMigrator(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`migration ${failed ?? '(setup)'} failed: ${why}`, failed, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await createMigrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

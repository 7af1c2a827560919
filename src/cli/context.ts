import type BetterSqlite3 from 'better-sqlite3';
import { CommanderError, type Command } from 'commander';
import type { Kysely } from 'kysely';
import { ConfigError, loadConfig, type AmiqConfig, type AmiqConfigInput } from '../shared/config/index.js';
import { DatabaseUnreachableError, DatabaseUrlError, MigrationError, migrateToLatest, openDatabase, type AmiqDatabase, type Database } from '../shared/db/index.js';
import { createLogger, type Logger } from '../shared/log.js';

/** Options every command accepts (program-level flags). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  server?: string;
  json?: boolean;
}

export interface CliContext {
  config: AmiqConfig;
  db: Kysely<Database>;
  database: AmiqDatabase;
  /** The raw SQLite handle; undefined on PostgreSQL and MySQL. */
  sqlite: BetterSqlite3.Database | undefined;
  /** Where the database is, for humans: the absolute SQLite path, or the URL with its password redacted. */
  dbPath: string;
  logger: Logger;
  /** Migrations applied while opening (empty when already up to date). */
  migrated: string[];
  close(): Promise<void>;
}

export interface OpenContextOptions extends GlobalOptions {
  /** Apply pending migrations (default true: every command works on a fresh path). */
  migrate?: boolean;
  /** Overrides LOG_LEVEL and config log.level (short commands log only warnings). */
  logLevel?: string;
  logDestination?: string | number;
  env?: NodeJS.ProcessEnv;
}

/** A failure with the exit code it deserves: 1 refused/failed, 2 bad input (SPEC §9). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** --config/--db/--server → the configuration; ConfigError (exit 2) names the key. */
export function loadCliConfig(opts: GlobalOptions & { env?: NodeJS.ProcessEnv }): AmiqConfig {
  const overrides: AmiqConfigInput = {};
  if (opts.db !== undefined) overrides.database = { path: opts.db };
  if (opts.server !== undefined) overrides.server = { name: opts.server };
  return loadConfig({ path: opts.config, env: opts.env, overrides });
}

/** Config, database (created and migrated) and logger for one command. */
export async function openContext(opts: OpenContextOptions = {}): Promise<CliContext> {
  const config = loadCliConfig(opts);
  const level = opts.logLevel ?? (process.env['LOG_LEVEL'] || config.log.level);
  const logger = createLogger({ name: 'amiq', level, destination: opts.logDestination });
  const h = await openDatabase({ url: config.database.url || undefined, path: config.database.path, pollIntervalMs: config.database.poll_interval_ms });
  let migrated: string[] = [];
  try {
    if (opts.migrate ?? true) migrated = await migrateToLatest(h.db);
  } catch (err) {
    await h.close();
    throw err;
  }
  return { config, db: h.db, database: h, sqlite: h.sqlite, dbPath: h.location, logger, migrated, close: h.close };
}

/** The global flags as seen from a subcommand's action. */
export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Exit code for an error escaping a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError || err instanceof DatabaseUrlError) return 2;
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  return 1;
}

/** Prints `amiq <command>: <message>` to stderr and sets the exit code. */
export function reportError(command: string, err: unknown): void {
  const prefix =
    err instanceof ConfigError ? 'ConfigError: ' : err instanceof MigrationError ? 'MigrationError: ' : err instanceof DatabaseUnreachableError ? 'DatabaseUnreachableError: ' : '';
  const where = err instanceof ConfigError && err.file !== undefined && err.key !== undefined ? ` (in ${err.file})` : '';
  process.stderr.write(`amiq ${command}: ${prefix}${err instanceof Error ? err.message : String(err)}${where}\n`);
  process.exitCode = exitCodeFor(err);
}

/**
 * Wraps a command action: its return value is the exit code (default 0); errors are reported
 * with the right code instead of a stack trace.
 */
export function action<A extends unknown[]>(command: string, fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? 0;
    } catch (err) {
      reportError(command, err);
    }
  };
}

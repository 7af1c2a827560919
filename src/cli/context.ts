import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { CommanderError, type Command } from 'commander';
import type { Kysely } from 'kysely';
import {
  ConfigError,
  configWarnings,
  exposedSecretMode,
  loadConfig,
  resolveConfigPath,
  type AmiqConfig,
  type AmiqConfigInput,
} from '../shared/config/index.js';
import {
  DatabaseUnreachableError,
  DatabaseUrlError,
  MigrationError,
  migrateToLatest,
  openDatabase,
  pendingMigrations,
  type AmiqDatabase,
  type Database,
} from '../shared/db/index.js';
import { createLogger, LOG_FORMATS, logFormatFor, type Logger } from '../shared/log.js';

/** Options every command accepts (program-level flags). */
export interface GlobalOptions {
  config?: string;
  db?: string;
  server?: string;
  json?: boolean;
  logFormat?: string;
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
  /**
   * Create the database if missing and apply pending migrations: `init`, `migrate` and the demo
   * only. Every other command refuses (exit 2) a missing or unmigrated database, so a command
   * run in the wrong directory never queues into a fresh empty file.
   */
  create?: boolean;
  /** Overrides LOG_LEVEL and config log.level (short commands log only warnings). */
  logLevel?: string;
  logDestination?: string | number;
  env?: NodeJS.ProcessEnv;
  /** Workers: warn when the config file holding the AMI secret is readable by group or others. */
  warnExposedSecret?: boolean;
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

/** Config (its warnings on stderr), database (created and migrated only with `create`) and logger for one command. */
export async function openContext(opts: OpenContextOptions = {}): Promise<CliContext> {
  const config = loadCliConfig(opts);
  // stderr: stdout may be a command's JSON.
  for (const w of configWarnings(config)) process.stderr.write(`amiq: warning: ${w}\n`);
  const level = opts.logLevel ?? (process.env['LOG_LEVEL'] || config.log.level);
  const env = opts.env ?? process.env;
  const format = logFormatFor(opts.logFormat, env, opts.logDestination === undefined && process.stdout.isTTY === true);
  if (format === undefined) {
    const got = opts.logFormat ?? env['AMIQ_LOG_FORMAT'];
    throw new CliError(`--log-format (or AMIQ_LOG_FORMAT): expected one of ${LOG_FORMATS.join(', ')}, got "${got}"`, 2);
  }
  const logger = createLogger({ name: 'amiq', level, destination: opts.logDestination, format });
  const create = opts.create ?? false;
  const url = config.database.url || undefined;
  if (!create && url === undefined) requireDatabaseFile(config.database.path, opts);
  if (opts.warnExposedSecret) {
    const file = resolveConfigPath({ path: opts.config, env: opts.env });
    const mode = exposedSecretMode(file);
    if (mode !== null) logger.warn({ file, mode: mode.toString(8) }, 'config file holds the AMI secret and is readable by group or others; chmod 600 it');
  }
  const h = await openDatabase({ url, path: config.database.path, pollIntervalMs: config.database.poll_interval_ms });
  let migrated: string[] = [];
  try {
    if (create) migrated = await migrateToLatest(h.db);
    else await requireMigrated(h.db, h.location);
  } catch (err) {
    await h.close();
    throw err;
  }
  return { config, db: h.db, database: h, sqlite: h.sqlite, dbPath: h.location, logger, migrated, close: h.close };
}

function requireDatabaseFile(path: string, opts: OpenContextOptions): void {
  if (path === ':memory:' || existsSync(path)) return;
  const file = resolveConfigPath({ path: opts.config, env: opts.env });
  const from = file === undefined ? 'no amiq.toml here or in --config/AMIQ_CONFIG' : `config ${file}`;
  throw new CliError(`database ${path}: not found (${from}); run \`amiq init\` to create it, or point --db, AMIQ_DB or database.path at the existing file`, 2);
}

async function requireMigrated(db: Kysely<Database>, path: string): Promise<void> {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) throw new CliError(`database ${path}: not migrated (pending: ${pending.join(', ')}); run \`amiq migrate\``, 2);
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
    err instanceof ConfigError
      ? 'ConfigError: '
      : err instanceof MigrationError
        ? 'MigrationError: '
        : err instanceof DatabaseUnreachableError
          ? 'DatabaseUnreachableError: '
          : '';
  const where = err instanceof ConfigError && err.file !== undefined && err.key !== undefined && err.problems.length === 1 ? ` (in ${err.file})` : '';
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

import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { parseDatabaseUrl, type DatabaseUrl } from './database-url.js';
import type { AmiqDialect, Engine } from './dialect.js';
import { DIALECTS } from './dialect-of.js';
import { PollSignal } from './mysql/poll-signal.js';
import { openMysql } from './mysql/open.js';
import { NotifySignal } from './postgres/notify-signal.js';
import { openPostgres, postgresClientConfig } from './postgres/open.js';
import type { Database } from './schema.js';
import { createChangeSignal } from './sqlite/change-signal.js';
import { openSqlite } from './sqlite/open.js';
import type { WakeSignal } from './wake-signal.js';

/** Where the database is: a server URL when set, else the SQLite file (SPEC §10). */
export interface DatabaseTarget {
  /** `[database] url` / AMIQ_DATABASE_URL: postgres://, postgresql://, mysql://, mariadb://. */
  url?: string;
  /** `[database] path` / AMIQ_DB: the SQLite file, used when there is no url. */
  path: string;
  /** MySQL/MariaDB wake-up poll interval (`[database] poll_interval_ms`). */
  pollIntervalMs?: number;
}

export interface WakeSignalOptions {
  /** Only changes to this server's rows wake (PostgreSQL, MySQL; SQLite wakes on any commit). */
  server?: string;
  /** SQLite: how often to read the commit counter. */
  intervalMs?: number;
}

export interface AmiqDatabase {
  db: Kysely<Database>;
  engine: Engine;
  dialect: AmiqDialect;
  /** For humans (logs, status): the SQLite path, or the URL with its password redacted. */
  location: string;
  /** The raw handle on SQLite (checkpointer, change signal); undefined on the other engines. */
  sqlite: BetterSqlite3.Database | undefined;
  /** A new wake-up signal on this database (close it when done). */
  wakeSignal(opts?: WakeSignalOptions): WakeSignal;
  close(): Promise<void>;
}

/** The database server named by the URL does not answer or refuses us; the message never holds the password. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    readonly target: DatabaseUrl,
    override readonly cause: unknown,
  ) {
    super(`database.url: cannot connect to ${target.engine} at ${target.host}:${target.port} (${target.redacted}): ${causeText(target, cause)}`);
  }
}

function causeText(target: DatabaseUrl, cause: unknown): string {
  const e = cause as { code?: string; message?: string };
  const text = e.message || e.code || String(cause);
  const password = new URL(target.url).password;
  return password === '' ? text : text.replaceAll(decodeURIComponent(password), '***');
}

/**
 * The one way amiq opens its database, whatever the engine. A server database is checked with
 * one round trip, so a wrong URL fails here, naming the key and host:port, not at first use.
 */
export async function openDatabase(target: DatabaseTarget): Promise<AmiqDatabase> {
  if (target.url === undefined || target.url === '') {
    const h = openSqlite(target.path);
    return {
      db: h.db,
      engine: 'sqlite',
      dialect: DIALECTS.sqlite,
      location: h.path,
      sqlite: h.sqlite,
      wakeSignal: (opts = {}) => createChangeSignal(h.sqlite, { intervalMs: opts.intervalMs }),
      close: h.close,
    };
  }
  const url = parseDatabaseUrl(target.url);
  const db = url.engine === 'postgres' ? openPostgres(url.url) : openMysql(url.url);
  try {
    await sql`SELECT 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseUnreachableError(url, err);
  }
  let closed = false;
  return {
    db,
    engine: url.engine,
    dialect: DIALECTS[url.engine],
    location: url.redacted,
    sqlite: undefined,
    wakeSignal: (opts = {}) =>
      url.engine === 'postgres'
        ? new NotifySignal(postgresClientConfig(url.url), { server: opts.server })
        : new PollSignal(db, { server: opts.server, intervalMs: target.pollIntervalMs ?? 50 }),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

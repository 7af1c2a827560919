import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AmiqDialect, Engine } from './dialect.js';
import type { Database } from './schema.js';
import type { WakeSignal } from './wake-signal.js';

export interface WakeSignalOptions {
  /** Only changes to this server's rows wake (PostgreSQL, MySQL; SQLite wakes on any commit). */
  server?: string;
  /** SQLite: how often to read the commit counter. */
  intervalMs?: number;
}

/** An open amiq database, whatever the engine: what openDatabase returns and workers are given. */
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

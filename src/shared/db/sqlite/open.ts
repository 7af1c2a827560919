import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import { registerQueueTimeFunction } from './queue-time-sql.js';
import { withStatementCache } from './statement-cache.js';

export interface OpenSqlite {
  db: Kysely<Database>;
  /** The raw SQLite handle, for SQLite-only helpers (immediateTransaction, change signal). */
  sqlite: BetterSqlite3.Database;
  /** Absolute path, or ':memory:'. */
  path: string;
  close(): Promise<void>;
}

/** The connection settings every amiq process uses (several processes share one file). */
export function applySqlitePragmas(sqlite: BetterSqlite3.Database): void {
  // First, so the pragmas below wait for another process (starting at the same time) too.
  sqlite.pragma('busy_timeout = 5000'); // wait for another process's write instead of failing
  sqlite.pragma('journal_mode = WAL'); // readers never block the writer
  sqlite.pragma('synchronous = NORMAL'); // durable at checkpoints; safe with WAL
  sqlite.pragma('foreign_keys = ON');
  // better-sqlite3 builds SQLite with a 16 MB page cache. amiq's hot pages are the queue's few;
  // the event log's pages only pass through, yet they filled it: 16 MB of the listener's RSS in
  // an event storm (BENCHMARKS.md). SQLite's own default, 2 MB, served as fast.
  sqlite.pragma('cache_size = -2000');
}

/**
 * Create the database file owner read-write, group read (0640), whatever the umask; SQLite gives
 * its -wal and -shm files the database file's mode. An existing file keeps the mode it has.
 */
function createPrivately(abs: string): void {
  let fd: number;
  try {
    fd = openSync(abs, 'wx', 0o640);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  closeSync(fd);
  chmodSync(abs, 0o640);
}

/** Opens (creating file and directory) the SQLite database behind a typed Kysely instance. */
export function openSqlite(path: string): OpenSqlite {
  const abs = path === ':memory:' ? path : resolve(path);
  if (abs !== ':memory:') {
    mkdirSync(dirname(abs), { recursive: true });
    createPrivately(abs);
  }
  const sqlite = new BetterSqlite3(abs);
  applySqlitePragmas(sqlite);
  registerQueueTimeFunction(sqlite); // the queue's statements compare client times through it
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  let closed = false;
  return {
    db,
    sqlite,
    path: abs,
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy(); // closes the SQLite handle too
    },
  };
}

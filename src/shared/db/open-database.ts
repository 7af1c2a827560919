import { parseDatabaseUrl } from './database-url.js';
import type { AmiqDatabase } from './amiq-database.js';
import { DIALECTS } from './dialect-of.js';
import { createChangeSignal } from './sqlite/change-signal.js';
import { openSqlite } from './sqlite/open.js';

/** Where the database is: a server URL when set, else the SQLite file (SPEC §10). */
export interface DatabaseTarget {
  /** `[database] url` / AMIQ_DATABASE_URL: postgres://, postgresql://, mysql://, mariadb://. */
  url?: string;
  /** `[database] path` / AMIQ_DB: the SQLite file, used when there is no url. */
  path: string;
  /** MySQL/MariaDB wake-up poll interval (`[database] poll_interval_ms`). */
  pollIntervalMs?: number;
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
  // The server drivers (pg, mysql2) load only when a server is configured: a SQLite host's CLI
  // starts without them (cold `amiq status` ~120 ms faster).
  const { openServer } = await import('./open-server.js');
  return openServer(parseDatabaseUrl(target.url), target.pollIntervalMs);
}

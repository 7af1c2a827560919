import { sql } from 'kysely';
import type { DatabaseUrl } from './database-url.js';
import { DIALECTS } from './dialect-of.js';
import { PollSignal } from './mysql/poll-signal.js';
import { openMysql } from './mysql/open.js';
import { DatabaseUnreachableError } from './database-unreachable-error.js';
import type { AmiqDatabase } from './amiq-database.js';
import { NotifySignal } from './postgres/notify-signal.js';
import { openPostgres, postgresClientConfig } from './postgres/open.js';

/**
 * A PostgreSQL or MySQL/MariaDB database, checked with one round trip so a wrong URL fails here,
 * naming the key and host:port, not at first use. Loaded by openDatabase only for a server URL.
 */
export async function openServer(url: DatabaseUrl, pollIntervalMs: number | undefined): Promise<AmiqDatabase> {
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
        : new PollSignal(db, { server: opts.server, intervalMs: pollIntervalMs ?? 50 }),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

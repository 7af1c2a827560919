import BetterSqlite3 from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import type { EngineDb } from './engines.js';

/** A row as a client in any language writes it: only client columns, plain SQL. */
export interface ClientRow {
  server?: string;
  action: string;
  channel: string | null;
  callerid?: string | null;
  params?: Record<string, unknown>;
}

export interface PlainClient {
  insert(row: ClientRow): Promise<number>;
  close(): Promise<void>;
}

const COLUMNS = 'server, action, channel, callerid, params';
const values = (r: ClientRow): unknown[] => [r.server ?? 'default', r.action, r.channel, r.callerid ?? null, JSON.stringify(r.params ?? {})];

/**
 * A client's own connection with the engine's plain driver (no amiq code, no kysely): what a
 * CRM or desktop on another machine does.
 */
export async function plainClient(t: EngineDb): Promise<PlainClient> {
  if (t.engine === 'sqlite') {
    // In this test's own process a synchronous busy wait would block the event loop that must
    // finish amiq's open transaction: the client waits for the lock asynchronously instead.
    const db = new BetterSqlite3(t.path);
    db.pragma('busy_timeout = 0');
    const stmt = db.prepare(`INSERT INTO manager_queue (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
    const insert = async (r: ClientRow): Promise<number> => {
      for (;;) {
        try {
          return Number(stmt.run(...values(r)).lastInsertRowid);
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    };
    return { insert, close: async () => void db.close() };
  }
  if (t.engine === 'postgres') {
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    return {
      insert: async (r) =>
        Number((await client.query<{ id: string }>(`INSERT INTO manager_queue (${COLUMNS}) VALUES ($1, $2, $3, $4, $5) RETURNING id`, values(r))).rows[0]!.id),
      close: () => client.end(),
    };
  }
  const conn = await createConnection({ uri: t.url });
  return {
    insert: async (r) => {
      const [res] = await conn.execute(`INSERT INTO manager_queue (${COLUMNS}) VALUES (?, ?, ?, ?, ?)`, values(r) as (string | null)[]);
      return (res as { insertId: number }).insertId;
    },
    close: () => conn.end(),
  };
}

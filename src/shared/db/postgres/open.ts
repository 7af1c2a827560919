import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';

const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;
const INT8 = 20;

/**
 * Per-pool type parsers (never pg's global ones): timestamps come back as amiq's ISO text, as on
 * SQLite; bigint (ids, epoch ms) as a number, exact below 2^53.
 */
const types = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === TIMESTAMPTZ || oid === TIMESTAMP) {
      const parse = pg.types.getTypeParser(oid, 'text');
      return (v) => {
        const d = parse(v) as Date | number;
        return d instanceof Date ? d.toISOString() : d;
      };
    }
    if (oid === INT8) return Number;
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
};

/** Connection settings shared by the pool and the LISTEN connection. */
export function postgresClientConfig(url: string): pg.ClientConfig {
  return { connectionString: url, types, connectionTimeoutMillis: 5000 };
}

/** A Kysely over a pg pool; the caller checks the server is reachable. */
export function openPostgres(url: string, maxConnections = 10): Kysely<Database> {
  const pool = new pg.Pool({ ...postgresClientConfig(url), max: maxConnections });
  // A pooled connection that dies (server restart), idle or checked out between two statements,
  // emits 'error': unheard, that would crash the worker. The statement it fails reports the error;
  // pg-pool drops the dead client and the next statement connects again.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import { createPool, type TypeCastField, type TypeCastNext } from 'mysql2';
import type { Database } from '../schema.js';
import { MysqlTimeParamsPlugin } from './time-params-plugin.js';

/** DATETIME/TIMESTAMP come back as amiq's ISO text (UTC, the session zone), as on SQLite. */
function typeCast(field: TypeCastField, next: TypeCastNext): unknown {
  if (field.type === 'DATETIME' || field.type === 'TIMESTAMP') {
    const text = field.string();
    return text === null ? null : new Date(`${text.replace(' ', 'T')}Z`).toISOString();
  }
  return next();
}

/** A Kysely over a mysql2 pool, every session in UTC; the caller checks the server is reachable. */
export function openMysql(url: string, maxConnections = 10): Kysely<Database> {
  const pool = createPool({ uri: url, connectionLimit: maxConnections, timezone: 'Z', typeCast, connectTimeout: 5000 });
  return new Kysely<Database>({
    dialect: new MysqlDialect({
      pool,
      // DATETIME has no zone: amiq's times (and UTC_TIMESTAMP defaults, NOW()) are UTC in every session.
      onCreateConnection: async (conn) => void (await conn.executeQuery(CompiledQuery.raw(`SET time_zone = '+00:00'`))),
    }),
    plugins: [new MysqlTimeParamsPlugin()],
  });
}

import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';
import type { AmiqDialect, Engine } from './dialect.js';
import { mysqlDialect } from './mysql/dialect.js';
import { postgresDialect } from './postgres/dialect.js';
import { sqliteDialect } from './sqlite/dialect.js';

export const DIALECTS: Record<Engine, AmiqDialect> = { sqlite: sqliteDialect, postgres: postgresDialect, mysql: mysqlDialect };

/**
 * The dialect of a Kysely handle (or of a transaction on it), read from kysely's own adapter, so
 * statements take a plain `Kysely<Database>` and every caller keeps its signature.
 */
export function dialectOf(db: Kysely<any>): AmiqDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return postgresDialect;
  if (adapter instanceof MysqlAdapter) return mysqlDialect;
  if (adapter instanceof SqliteAdapter) return sqliteDialect;
  throw new Error(`amiq has no dialect for ${adapter.constructor.name}`);
}

import type { Engine } from './dialect.js';

/** A server database named by `[database] url` (or AMIQ_DATABASE_URL). */
export interface DatabaseUrl {
  engine: Exclude<Engine, 'sqlite'>;
  /** The URL as given, password included: only ever handed to the driver. */
  url: string;
  /** The URL with its password replaced by `***`: for logs, errors and status. */
  redacted: string;
  host: string;
  port: number;
  database: string;
}

const SCHEMES: Record<string, { engine: DatabaseUrl['engine']; port: number }> = {
  'postgres:': { engine: 'postgres', port: 5432 },
  'postgresql:': { engine: 'postgres', port: 5432 },
  'mysql:': { engine: 'mysql', port: 3306 },
  'mariadb:': { engine: 'mysql', port: 3306 },
};

/** The rule a database URL must follow, in the words a config error shows. */
export const DATABASE_URL_RULE = 'expected postgres://user:password@host:port/database (or postgresql://, mysql://, mariadb://)';

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/** The URL with any password replaced by `***`; text that is no URL is hidden whole. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Parses and checks a database URL; DatabaseUrlError says what is wrong (never the password). */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DatabaseUrlError(`${DATABASE_URL_RULE}, got ${redactUrl(url)}`);
  }
  const scheme = SCHEMES[u.protocol];
  if (scheme === undefined) throw new DatabaseUrlError(`unknown scheme "${u.protocol}" (${DATABASE_URL_RULE})`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (u.hostname === '') throw new DatabaseUrlError(`no host in ${redactUrl(url)} (${DATABASE_URL_RULE})`);
  if (database === '' || database.includes('/')) throw new DatabaseUrlError(`no database name in ${redactUrl(url)} (${DATABASE_URL_RULE})`);
  return {
    engine: scheme.engine,
    url,
    redacted: redactUrl(url),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? scheme.port : Number(u.port),
    database,
  };
}

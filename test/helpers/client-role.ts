import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { clientRoleStatements } from '../../src/shared/db/client-role.js';
import { openDatabase } from '../../src/shared/db/index.js';
import { ADMIN_URLS, type EngineDb } from './engines.js';

/** A client role of its own for one test file's server database (name amiq_t_<random>), and how to drop it. */
export interface TestClientRole {
  name: string;
  password: string;
  /** The test database's URL, logging in as the role. */
  url: string;
  drop(): Promise<void>;
}

/** The role's name and a password with a quote and a backslash (literals must be escaped). */
export function newClientRoleName(): { name: string; password: string } {
  return { name: `amiq_t_${randomBytes(4).toString('hex')}`, password: `pw'${randomBytes(4).toString('hex')}\\x` };
}

export function clientRoleUrl(t: EngineDb, name: string, password: string): string {
  const u = new URL(t.url);
  u.username = name;
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Roles and users outlive a database: drop them (PostgreSQL: its grants and policy first). */
export async function dropClientRole(t: EngineDb, name: string): Promise<void> {
  const admin = await openDatabase({ url: ADMIN_URLS[t.engine as 'postgres' | 'mysql'], path: '' });
  try {
    if (t.engine === 'postgres') {
      await sql`DROP OWNED BY ${sql.id(name)}`.execute(t.db);
      await sql`DROP ROLE ${sql.id(name)}`.execute(admin.db);
    } else {
      await sql.raw(`DROP USER '${name}'@'%'`).execute(admin.db);
    }
  } finally {
    await admin.close();
  }
}

/** Creates the role as `amiq init --client-role` does, through the statements it runs. */
export async function createClientRole(t: EngineDb): Promise<TestClientRole> {
  const { name, password } = newClientRoleName();
  for (const s of clientRoleStatements(t.engine, name, password)) if (!s.startsWith('--')) await sql.raw(s).execute(t.db);
  return { name, password, url: clientRoleUrl(t, name, password), drop: () => dropClientRole(t, name) };
}

/**
 * A fresh, migrated database of one engine for one bench run, dropped after (as the tests'
 * engines helper makes one per test file): SQLite a file in a temporary directory; PostgreSQL and
 * MariaDB `CREATE DATABASE amiq_b_<random>` on the servers of AMIQ_BENCH_POSTGRES_URL /
 * AMIQ_BENCH_MYSQL_URL (defaults: this project's machines, 127.0.0.1:5432 `test` and
 * 127.0.0.1:3306 root).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type AmiqDatabase, type DatabaseTarget, type Engine } from '../src/shared/db/index.js';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres', 'mysql'];

export const ADMIN_URLS: Record<Exclude<Engine, 'sqlite'>, string> = {
  postgres: process.env['AMIQ_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env['AMIQ_BENCH_MYSQL_URL'] || 'mysql://root@127.0.0.1:3306/test',
};

export interface BenchDb {
  engine: Engine;
  /** What a second process opens (openDatabase, or the `database` section of a config). */
  target: DatabaseTarget;
  handle: AmiqDatabase;
  /** Closes the handle and drops the database. */
  drop(): Promise<void>;
}

/** Why an engine's server cannot be used (undefined when it answers, and for SQLite). */
export async function unreachable(engine: Engine): Promise<string | undefined> {
  if (engine === 'sqlite') return undefined;
  try {
    await (await openDatabase({ url: ADMIN_URLS[engine], path: '' })).close();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function isEngine(s: string | undefined): s is Engine {
  return (ENGINES as readonly string[]).includes(s ?? '');
}

export async function freshDatabase(engine: Engine): Promise<BenchDb> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-'));
    const target = { path: join(dir, 'amiq.db') };
    const handle = await openDatabase(target);
    await migrateToLatest(handle.db);
    return {
      engine,
      target,
      handle,
      drop: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `amiq_b_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ url: ADMIN_URLS[engine], path: '' });
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
  const u = new URL(ADMIN_URLS[engine]);
  u.pathname = `/${name}`;
  const target = { url: u.toString(), path: '' };
  const handle = await openDatabase(target);
  await migrateToLatest(handle.db);
  return {
    engine,
    target,
    handle,
    drop: async () => {
      await handle.close();
      await sql`DROP DATABASE ${sql.id(name)}${engine === 'postgres' ? sql` WITH (FORCE)` : sql``}`.execute(admin.db);
      await admin.close();
    },
  };
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { migrateToLatest, openDatabase, parseDatabaseUrl, type AmiqDatabase, type Engine } from '../../src/shared/db/index.js';
import type { Database } from '../../src/shared/db/schema.js';
import { toMysqlTime } from '../../src/shared/db/mysql/time-params-plugin.js';

/*
 * Each engine a test file loops over, with a fresh, migrated database of its own per file
 * (PostgreSQL and MariaDB: CREATE DATABASE amiq_t_<random>, dropped after), emptied before each
 * test. Servers: AMIQ_TEST_POSTGRES_URL / AMIQ_TEST_MYSQL_URL (defaults: this project's machines,
 * 127.0.0.1:5432 and :3306). An engine whose server does not answer is skipped, saying so on the
 * console, unless CI=true or AMIQ_TEST_ENGINES=all: then its tests fail. AMIQ_TEST_ENGINES may
 * also list the engines to run (e.g. `sqlite,postgres`).
 */
export const ADMIN_URLS: Record<Exclude<Engine, 'sqlite'>, string> = {
  postgres: process.env['AMIQ_TEST_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env['AMIQ_TEST_MYSQL_URL'] || 'mysql://root@127.0.0.1:3306/test',
};

const ALL: readonly Engine[] = ['sqlite', 'postgres', 'mysql'];
const wanted = (process.env['AMIQ_TEST_ENGINES'] ?? '').trim();
const required = process.env['CI'] === 'true' || wanted === 'all';
const selected: readonly Engine[] =
  wanted === '' || wanted === 'all'
    ? ALL
    : ALL.filter((e) =>
        wanted
          .split(',')
          .map((s) => s.trim())
          .includes(e),
      );

/** Why an engine's server cannot be used, or undefined when it answers. */
async function probe(engine: Exclude<Engine, 'sqlite'>): Promise<string | undefined> {
  try {
    const h = await openDatabase({ url: ADMIN_URLS[engine], path: '' });
    await h.close();
    return undefined;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code ?? (err as Error).message;
    const u = parseDatabaseUrl(ADMIN_URLS[engine]);
    return `${code} ${u.host}:${u.port}`;
  }
}

async function availableEngines(): Promise<{ engines: Engine[]; unreachable: Map<Engine, string> }> {
  const unreachable = new Map<Engine, string>();
  for (const e of selected) {
    if (e === 'sqlite') continue;
    const why = await probe(e);
    if (why !== undefined) unreachable.set(e, why);
  }
  if (unreachable.size > 0) {
    const list = [...unreachable].map(([e, why]) => `${e} (${why})`).join(', ');
    if (!required) console.log(`skipped engines: ${list}`);
  }
  return { engines: selected.filter((e) => required || !unreachable.has(e)), unreachable };
}

const found = await availableEngines();
/** The engines this run tests (an unreachable one is listed when CI=true / AMIQ_TEST_ENGINES=all, and fails). */
export const ENGINES: readonly Engine[] = found.engines;

/** One engine's database for one test file. */
export class EngineDb {
  #h: AmiqDatabase | undefined;
  #drop: (() => Promise<void>) | undefined;
  /** The URL (server engines) or file path (SQLite) a second client can open. */
  url = '';
  path = '';

  constructor(readonly engine: Engine) {}

  get db(): Kysely<Database> {
    return this.handle.db;
  }

  get handle(): AmiqDatabase {
    if (this.#h === undefined) throw new Error(`${this.engine} database not open`);
    return this.#h;
  }

  async open(): Promise<void> {
    const why = found.unreachable.get(this.engine);
    if (why !== undefined) throw new Error(`${this.engine} is required (CI=true or AMIQ_TEST_ENGINES=all) but unreachable: ${why}`);
    if (this.engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'amiq-engine-'));
      this.path = join(dir, 'amiq.db');
      this.#h = await openDatabase({ path: this.path });
      this.#drop = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const name = `amiq_t_${randomBytes(6).toString('hex')}`;
      const admin = await openDatabase({ url: ADMIN_URLS[this.engine], path: '' });
      await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin.db);
      // A throwaway database need not wait for the disk at each commit (PostgreSQL can say so per database).
      if (this.engine === 'postgres') await sql`ALTER DATABASE ${sql.id(name)} SET synchronous_commit = off`.execute(admin.db);
      const u = new URL(ADMIN_URLS[this.engine]);
      u.pathname = `/${name}`;
      this.url = u.toString();
      this.#h = await openDatabase({ url: this.url, path: '', pollIntervalMs: 20 });
      this.#drop = async () => {
        await sql`DROP DATABASE ${sql.id(name)}${this.engine === 'postgres' ? sql` WITH (FORCE)` : sql``}`.execute(admin.db);
        await admin.close();
      };
    }
    await migrateToLatest(this.db);
  }

  /** Another connection (pool) to the same database, as a second process would have. */
  openAnother(): Promise<AmiqDatabase> {
    return openDatabase({ url: this.url || undefined, path: this.path, pollIntervalMs: 20 });
  }

  /** Empties every table (ids go on increasing, as they do in production). */
  async reset(): Promise<void> {
    for (const t of ['manager_queue', 'manager_queue_archive', 'manager_queue_results', 'workers', 'manager_events', 'conferences']) {
      await sql`DELETE FROM ${sql.table(t)}`.execute(this.db);
    }
  }

  /** Writes a time column as a client would (created_at included, which amiq never sets). */
  async setTime(table: 'manager_queue' | 'workers', where: Record<string, string | number>, column: string, iso: string | null): Promise<void> {
    const value = this.engine === 'mysql' ? toMysqlTime(iso) : iso;
    const conds = Object.entries(where).map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
    await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${value} WHERE ${sql.join(conds, sql` AND `)}`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.#h?.close();
    this.#h = undefined;
    await this.#drop?.();
  }
}

/**
 * `describe(<engine>)` once per engine, each with its own database, emptied before each test:
 * one test file per feature loops over the engines, as kysely's own tests do.
 */
export function describeEngines(name: string, fn: (t: EngineDb) => void, engines: readonly Engine[] = ENGINES): void {
  describe(name, () => {
    for (const engine of engines) {
      describe(engine, () => {
        const t = new EngineDb(engine);
        beforeAll(() => t.open());
        afterAll(() => t.close());
        beforeEach(() => t.reset());
        fn(t);
      });
    }
  });
}

/** The server engines of this run (for tests of locking, NOTIFY and polling). */
export const SERVER_ENGINES: readonly Engine[] = ENGINES.filter((e) => e !== 'sqlite');

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createChangeSignal, immediateTransaction, immediateTransactionAsync, migrateToLatest, openSqlite, pendingMigrations } from '../src/shared/db/index.js';

const dir = mkdtempSync(join(tmpdir(), 'amiq-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function migrated(name: string) {
  const handle = openSqlite(join(dir, name, 'nested', 'amiq.db'));
  await migrateToLatest(handle.db);
  return handle;
}

describe('openSqlite + migrateToLatest', () => {
  it('creates the directory, sets the pragmas, creates every table, and is idempotent', async () => {
    const h = openSqlite(join(dir, 'a', 'deep', 'amiq.db'));
    expect(await pendingMigrations(h.db)).toEqual(['0001-initial', '0002-priority-integer', '0003-queue-results', '0005-queue-tag-index']);
    expect(await migrateToLatest(h.db)).toEqual(['0001-initial', '0002-priority-integer', '0003-queue-results', '0005-queue-tag-index']);
    expect(await migrateToLatest(h.db)).toEqual([]);
    expect(h.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(h.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(h.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(h.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    // Not better-sqlite3's 16 MB: the event log's pages would fill it (BENCHMARKS.md).
    expect(h.sqlite.pragma('cache_size', { simple: true })).toBe(-2000);
    const tables = (h.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['manager_queue', 'manager_queue_archive', 'workers', 'manager_events', 'conferences', 'manager_queue_results']),
    );
    await h.close();
    await h.close(); // twice is harmless
  });

  it('CHECK constraints refuse a bad status, call_state or params; defaults fill the rest', async () => {
    const h = await migrated('b');
    const insert = h.sqlite.prepare('INSERT INTO manager_queue (action, status, call_state, params) VALUES (?, ?, ?, ?)');
    expect(() => insert.run('Originate', 'DONE', null, '{}')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('Originate', 'NEW', 'ANSWERED', '{}')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('Originate', 'NEW', null, '{not json')).toThrow(/CHECK constraint failed/);
    const id = Number(insert.run('Originate', 'NEW', 'DIALING', '{"Exten":"100"}').lastInsertRowid);
    const row = await h.db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ server: 'default', priority: 0, status: 'NEW' });
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    await h.close();
  });
});

describe('immediateTransaction', () => {
  it('commits a synchronous read-then-write and rolls back on throw', async () => {
    const h = await migrated('c');
    const insert = h.sqlite.prepare("INSERT INTO manager_queue (action) VALUES ('Ping')");
    const count = () => (h.sqlite.prepare('SELECT count(*) AS n FROM manager_queue').get() as { n: number }).n;
    immediateTransaction(h.sqlite, () => {
      if (count() === 0) insert.run();
    });
    expect(() =>
      immediateTransaction(h.sqlite, () => {
        insert.run();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(count()).toBe(1);
    await h.close();
  });

  it('holds the write lock against another connection for an async kysely body', async () => {
    const h = await migrated('d');
    const other = new BetterSqlite3(h.path);
    other.pragma('busy_timeout = 0');
    await immediateTransactionAsync(h.db, async (trx) => {
      await trx.insertInto('manager_queue').values({ action: 'Ping' }).execute();
      expect(() => other.prepare("INSERT INTO manager_queue (action) VALUES ('Hangup')").run()).toThrow(/locked|busy/i);
    });
    await expect(
      immediateTransactionAsync(h.db, async (trx) => {
        await trx.insertInto('manager_queue').values({ action: 'Status' }).execute();
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    const rows = await h.db.selectFrom('manager_queue').select('action').execute();
    expect(rows.map((r) => r.action)).toEqual(['Ping']);
    other.close();
    await h.close();
  });
});

describe('createChangeSignal', () => {
  it('fires when another connection commits', async () => {
    const h = await migrated('e');
    const signal = createChangeSignal(h.sqlite, { intervalMs: 5 });
    let fired = 0;
    signal.on('change', () => fired++);
    const other = new BetterSqlite3(h.path);
    const next = signal.next();
    other.prepare("INSERT INTO manager_queue (action) VALUES ('Ping')").run();
    expect(await next).toBe(true);
    expect(fired).toBeGreaterThanOrEqual(1);

    // A commit through the main handle is seen too (the signal has its own connection).
    const again = signal.next();
    await h.db.insertInto('manager_queue').values({ action: 'Status' }).execute();
    expect(await again).toBe(true);

    const aborted = new AbortController();
    const waiting = signal.next({ signal: aborted.signal });
    aborted.abort();
    expect(await waiting).toBe(false);
    signal.close();
    expect(await signal.next()).toBe(false);
    other.close();
    await h.close();
  });

  it('refuses an in-memory database', () => {
    expect(() => createChangeSignal(':memory:')).toThrow(/database file/);
  });
});

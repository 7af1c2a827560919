import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { createMigrator } from '../src/shared/db/migrate.js';
import { claimRows } from '../src/shared/queue/index.js';
import { migrations } from '../migrations/index.js';
import { describeEngines } from './helpers/engines.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

const REFUSED = 'manager_queue.priority must be an integer';

describe('priority is an integer (migration 0002)', () => {
  let t: TestDb;
  beforeEach(async () => (t = await openTestDb()));
  afterEach(async () => t.cleanup());

  it('an INSERT or UPDATE with a non-integer priority is refused; integer text and 5.0 become integers', () => {
    const insert = (priority: unknown) => t.sqlite.prepare(`INSERT INTO manager_queue (action, priority) VALUES ('Ping', ?)`).run(priority);
    for (const bad of [1.5, 'high', '1.5', '', Buffer.from('5')]) expect(() => insert(bad), String(bad)).toThrow(REFUSED);
    expect(() => t.sqlite.exec(`INSERT INTO manager_queue (action, priority) VALUES ('Ping', 'high')`)).toThrow(REFUSED);
    const ok = [5, '7', 5.0, -3, ' 9 '].map((p) => Number(insert(p).lastInsertRowid));
    const fallback = Number(t.sqlite.prepare(`INSERT INTO manager_queue (action) VALUES ('Ping')`).run().lastInsertRowid);
    const read = t.sqlite.prepare(`SELECT priority, typeof(priority) AS type FROM manager_queue WHERE id = ?`);
    expect([...ok, fallback].map((id) => read.get(id))).toEqual([5, 7, 5, -3, 9, 0].map((priority) => ({ priority, type: 'integer' })));
    expect(() => t.sqlite.prepare(`UPDATE manager_queue SET priority = 'urgent' WHERE id = ?`).run(ok[0])).toThrow(REFUSED);
    expect(t.sqlite.prepare(`UPDATE manager_queue SET priority = 2 WHERE id = ?`).run(ok[0]).changes).toBe(1);
  });
});

describe('migration 0002 on a database holding rows from 0001', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'amiq-migrate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every row, id and the id sequence; legacy rows keep working; new bad priorities are refused', async () => {
    const path = join(dir, 'amiq.db');
    const old = openSqlite(path);
    const { error } = await createMigrator(old.db).migrateTo('0001-initial');
    expect(error).toBeUndefined();
    const ins = old.sqlite.prepare(`INSERT INTO manager_queue (action, priority, status) VALUES ('Ping', ?, ?)`);
    for (const [p, s] of [
      [1, 'SUCCESS'],
      [1.5, 'NEW'],
      ['high', 'NEW'],
      [3, 'NEW'],
      [0, 'NEW'],
    ] as const)
      ins.run(p, s);
    old.sqlite.exec(`DELETE FROM manager_queue WHERE id = 5`); // archived or removed: its id must never come back
    const before = old.sqlite.prepare(`SELECT * FROM manager_queue ORDER BY id`).all();
    await old.close();

    const h = openSqlite(path);
    try {
      expect(await migrateToLatest(h.db)).toEqual(Object.keys(migrations).slice(1));
      expect(h.sqlite.prepare(`SELECT * FROM manager_queue ORDER BY id`).all()).toEqual(before);
      // Workers' updates leave priority alone: the legacy rows are claimed and move on.
      const claimed = await claimRows(h.db, { server: 'default', limit: 10, ttlSeconds: 60 });
      expect(claimed.map((r) => r.id).sort()).toEqual([2, 3, 4]);
      expect(h.sqlite.prepare(`UPDATE manager_queue SET status = 'INVALID' WHERE id IN (2, 3)`).run().changes).toBe(2);
      expect(() => h.sqlite.prepare(`INSERT INTO manager_queue (action, priority) VALUES ('Ping', 2.5)`).run()).toThrow(REFUSED);
      expect(Number(h.sqlite.prepare(`INSERT INTO manager_queue (action, priority) VALUES ('Ping', '4')`).run().lastInsertRowid)).toBe(6);
    } finally {
      await h.close();
    }
  });
});

// The server engines' integer column would round 1.5 before any CHECK saw it (migration 0004).
describeEngines('priority is a whole number on every engine', (t) => {
  const REFUSED_ANYWHERE = /priority/i;
  const insert = (priority: unknown) => sql`INSERT INTO manager_queue (action, priority) VALUES ('Ping', ${priority})`.execute(t.db);
  const insertLiteral = (priority: string) => sql`INSERT INTO manager_queue (action, priority) VALUES ('Ping', ${sql.raw(priority)})`.execute(t.db);

  it('1.5 is refused, bound or written as a literal, never rounded; nothing is stored', async () => {
    for (const bad of [1.5, '1.5', -0.5, 2147483647.5]) await expect(insert(bad), String(bad)).rejects.toThrow(REFUSED_ANYWHERE);
    for (const bad of ['1.5', '2.5e0', "'1.5'"]) await expect(insertLiteral(bad), bad).rejects.toThrow(REFUSED_ANYWHERE);
    await expect(insert('high')).rejects.toThrow();
    const n = await t.db
      .selectFrom('manager_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });

  it('whole numbers pass, read back as numbers, and order the claim', async () => {
    for (const ok of [5, '7', 5.0, -3]) await insert(ok);
    await insertLiteral('9.0');
    await t.db.insertInto('manager_queue').values({ action: 'Ping' }).execute();
    const rows = await t.db.selectFrom('manager_queue').select(['id', 'priority']).orderBy('id').execute();
    expect(rows.map((r) => r.priority)).toEqual([5, 7, 5, -3, 9, 0]);
    const claimed = await claimRows(t.db, { server: 'default', limit: 10, ttlSeconds: 60 });
    expect(claimed.map((r) => r.priority)).toEqual([9, 7, 5, 5, 0, -3]);
  });

  it('an UPDATE to a non-integer priority is refused too', async () => {
    await insert(1);
    await expect(sql`UPDATE manager_queue SET priority = ${sql.raw('2.5')}`.execute(t.db)).rejects.toThrow(REFUSED_ANYWHERE);
    expect((await t.db.selectFrom('manager_queue').select('priority').executeTakeFirstOrThrow()).priority).toBe(1);
  });
});

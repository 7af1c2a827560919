import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openSqlite } from '../src/shared/db/index.js';
import { createMigrator } from '../src/shared/db/migrate.js';
import { claimRows } from '../src/shared/queue/index.js';
import { openTestDb, type TestDb } from './queue-db.js';

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
      expect(await migrateToLatest(h.db)).toEqual(['0002-priority-integer', '0003-queue-results', '0005-queue-tag-index']);
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

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../src/shared/queue/index.js';
import { openTestDb, rowById, type TestDb } from './queue-db.js';

describe('enqueue', () => {
  let t: TestDb;
  beforeEach(async () => (t = await openTestDb()));
  afterEach(async () => t.cleanup());

  it('inserts a NEW row with the client columns, params as JSON, increasing ids', async () => {
    const a = await enqueue(t.db, { action: 'Originate', channel: 'Local/100@default', params: { Exten: '300', Variable: ['A=1', 'B=2'] }, tag: 'camp' });
    const b = await enqueue(t.db, { action: 'Ping', server: 'pbx2', priority: 5 });
    expect(b).toBeGreaterThan(a);
    const row = await rowById(t.db, a);
    expect(row).toMatchObject({ status: 'NEW', server: 'default', action: 'Originate', channel: 'Local/100@default', tag: 'camp', priority: 0 });
    expect(JSON.parse(row.params)).toEqual({ Exten: '300', Variable: ['A=1', 'B=2'] });
    expect(row.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await rowById(t.db, b)).toMatchObject({ server: 'pbx2', priority: 5, params: '{}' });
  });

  it('the database refuses params that are not JSON (CHECK json_valid)', () => {
    expect(() => t.sqlite.prepare(`INSERT INTO manager_queue (action, params) VALUES ('Ping', '{nope')`).run()).toThrow(/CHECK constraint/);
  });
});

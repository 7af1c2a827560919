import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { enqueue } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

describeEngines('enqueue', (t) => {
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

  it('the database refuses params that are not JSON, an unknown status or call_state, a priority that is no integer', async () => {
    const insert = (cols: string, values: string) => sql.raw(`INSERT INTO manager_queue (action, ${cols}) VALUES ('Ping', ${values})`).execute(t.db);
    await expect(insert('params', `'{nope'`)).rejects.toThrow(/CHECK constraint|manager_queue_params|json/i);
    await expect(insert('status', `'DONE'`)).rejects.toThrow(/CHECK constraint|manager_queue_status/i);
    await expect(insert('call_state', `'RINGING_BACK'`)).rejects.toThrow(/CHECK constraint|manager_queue_call_state/i);
    // SQLite's trigger names the rule; the server engines' priority column is a number (migration 0006).
    await expect(insert('priority', `'high'`)).rejects.toThrow(/integer|double/i);
    await expect(insert('priority', `1.5`)).rejects.toThrow(/priority/i);
    await insert('params, priority', `'{"Exten":"1"}', 3`);
    expect(await t.db.selectFrom('manager_queue').select(['params', 'priority']).execute()).toEqual([{ params: '{"Exten":"1"}', priority: 3 }]);
  });
});

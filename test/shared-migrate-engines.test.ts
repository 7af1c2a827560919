import { expect, it } from 'vitest';
import { migrateToLatest, pendingMigrations } from '../src/shared/db/index.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';

describeEngines('migrations', (t) => {
  it('leave nothing pending, are idempotent, and create every table with its defaults', async () => {
    expect(await pendingMigrations(t.db)).toEqual([]);
    expect(await migrateToLatest(t.db)).toEqual([]);
    const tables = (await t.db.introspection.getTables()).map((x) => x.name);
    expect(tables).toEqual(
      expect.arrayContaining(['manager_queue', 'manager_queue_archive', 'workers', 'manager_events', 'conferences', 'manager_queue_results']),
    );
    await t.db.insertInto('manager_queue').values({ action: 'Ping' }).execute();
    const row = await t.db.selectFrom('manager_queue').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ server: 'default', params: '{}', priority: 0, status: 'NEW', not_before: null });
    // created_at defaults to now, in UTC, whatever the engine.
    expect(Math.abs(Date.parse(row.created_at) - Date.now())).toBeLessThan(60_000);
  });
});

// Server engines: kysely's migration lock. (SQLite's BEGIN IMMEDIATE is tested across processes in
// cli.test; two connections in one thread would only wait on each other's synchronous busy loop.)
describeEngines(
  'migrations from two processes',
  (t) => {
    it('a second migrator started at once finds the work done', async () => {
      const other = await t.openAnother();
      try {
        expect(await Promise.all([migrateToLatest(t.db), migrateToLatest(other.db)])).toEqual([[], []]);
      } finally {
        await other.close();
      }
    });
  },
  SERVER_ENGINES,
);

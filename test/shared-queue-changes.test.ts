import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { DEFAULT_MAINTENANCE, runMaintenance } from '../src/shared/maintenance/index.js';
import { toMysqlTime } from '../src/shared/db/mysql/time-params-plugin.js';
import { pruneChanges } from '../src/shared/db/queue/prune-changes.js';
import { firstChangeSeq, lastChangeSeq, readChanges } from '../src/shared/db/queue/read-changes.js';
import { rowsByIds } from '../src/shared/db/queue/rows-by-ids.js';
import { describeEngines, type EngineDb } from './helpers/engines.js';
import { addRow, capturingLogger, hoursAgo, NOW } from './helpers/shared-maintenance-helpers.js';

async function insert(t: EngineDb, server = 'default', tag: string | null = null): Promise<number> {
  return addRow(t, { server, tag, created_at: new Date().toISOString() });
}
async function all(t: EngineDb) {
  return readChanges(t.db, 0, 1000);
}
async function ageChanges(t: EngineDb, upToSeq: number, iso: string): Promise<void> {
  const value = t.engine === 'mysql' ? sql`${toMysqlTime(iso)}` : t.engine === 'sqlite' ? sql`julianday(${iso})` : sql`${iso}`;
  await sql`UPDATE manager_queue_changes SET changed_at = ${value} WHERE seq <= ${upToSeq}`.execute(t.db);
}

describeEngines('manager_queue change log', (t) => {
  // The engines helper empties the tables but not the log (seqs go on, as in production); these tests start from an empty one.
  beforeEach(async () => {
    await sql`DELETE FROM manager_queue_changes`.execute(t.db);
  });

  it('every INSERT and UPDATE of a queue row logs one change, in order, with its server and tag', async () => {
    const a = await insert(t, 'pbx1', 'camp');
    const b = await insert(t, 'pbx2');
    await t.db.updateTable('manager_queue').set({ status: 'SENDING' }).where('id', '=', a).execute();
    // A worker's update that touches no status still changes the row: logged too.
    await t.db.updateTable('manager_queue').set({ call_state: 'RINGING' }).where('id', '=', a).execute();
    // Deletes (the archive sweep) are not changes of a row's state.
    await t.db.deleteFrom('manager_queue').where('id', '=', b).execute();
    const log = await all(t);
    expect(log.map((c) => [c.queue_id, c.server, c.tag])).toEqual([
      [a, 'pbx1', 'camp'],
      [b, 'pbx2', null],
      [a, 'pbx1', 'camp'],
      [a, 'pbx1', 'camp'],
    ]);
    const seqs = log.map((c) => c.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
    expect(Math.abs(Date.parse(log[0]!.changed_at) - Date.now())).toBeLessThan(60_000);
    expect(await lastChangeSeq(t.db)).toBe(seqs[3]);
  });

  it('a multi-row UPDATE logs one change per row', async () => {
    const ids = [await insert(t), await insert(t), await insert(t)];
    const before = await lastChangeSeq(t.db);
    await t.db.updateTable('manager_queue').set({ status: 'CANCELLED' }).where('id', 'in', ids).execute();
    expect((await readChanges(t.db, before, 100)).map((c) => c.queue_id).sort()).toEqual([...ids].sort());
  });

  it('reads after a seq, up to a bound, filtered by servers and tag, at most limit', async () => {
    await insert(t, 'pbx1', 'x');
    const from = await lastChangeSeq(t.db);
    const a = await insert(t, 'pbx1', 'x');
    const b = await insert(t, 'pbx2', 'x');
    const c = await insert(t, 'pbx1', 'y');
    const d = await insert(t, 'pbx3');
    const ids = async (...args: Parameters<typeof readChanges> extends [unknown, ...infer R] ? R : never) =>
      (await readChanges(t.db, ...args)).map((ch) => ch.queue_id);
    expect(await ids(from, 100)).toEqual([a, b, c, d]);
    expect(await ids(from, 2)).toEqual([a, b]);
    expect(await ids(from, 100, { servers: ['pbx1', 'pbx3'] })).toEqual([a, c, d]);
    expect(await ids(from, 100, { servers: [] })).toEqual([]);
    expect(await ids(from, 100, { tag: 'x' })).toEqual([a, b]);
    expect(await ids(from, 100, { servers: ['pbx1'], tag: 'x' })).toEqual([a]);
    const log = await readChanges(t.db, from, 100);
    expect(await ids(from, 100, {}, log[1]!.seq)).toEqual([a, b]);
  });

  it('an empty log reads as seq 0', async () => {
    await sql`DELETE FROM manager_queue_changes`.execute(t.db);
    expect(await lastChangeSeq(t.db)).toBe(0);
    expect(await all(t)).toEqual([]);
  });

  it('rowsByIds gives each row as it is now, from the archive once archived', async () => {
    const a = await insert(t);
    const b = await insert(t);
    await t.db.updateTable('manager_queue').set({ status: 'CANCELLED' }).where('id', '=', b).execute();
    await sql`INSERT INTO manager_queue_archive (id, server, action, params, priority, status, created_at)
      SELECT id, server, action, params, priority, status, created_at FROM manager_queue WHERE id = ${b}`.execute(t.db);
    await t.db.deleteFrom('manager_queue').where('id', '=', b).execute();
    const rows = await rowsByIds(t.db, [a, b, b, 999_999]);
    expect(rows.get(a)).toMatchObject({ id: a, status: 'NEW' });
    expect(rows.get(a)?.archived).toBeUndefined();
    expect(rows.get(b)).toMatchObject({ id: b, status: 'CANCELLED', archived: true });
    expect(rows.has(999_999)).toBe(false);
  });

  it('pruneChanges deletes the oldest run of changes made before the cutoff, whichever server', async () => {
    await insert(t, 'pbx1');
    await insert(t, 'pbx2');
    await insert(t, 'pbx1');
    const third = await lastChangeSeq(t.db);
    await insert(t, 'pbx1');
    await ageChanges(t, third, hoursAgo(48));
    const before = hoursAgo(24);
    expect(await pruneChanges(t.db, 'pbx1', before, 2)).toBe(2);
    expect(await pruneChanges(t.db, 'pbx1', before, 2)).toBe(1);
    expect(await pruneChanges(t.db, 'pbx1', before, 2)).toBe(0);
    expect((await all(t)).map((c) => c.seq)).toEqual([third + 1]);
  });

  it('the newest change is never pruned, so seq goes on from it', async () => {
    await insert(t);
    const only = await lastChangeSeq(t.db);
    await ageChanges(t, only, hoursAgo(48));
    expect(await pruneChanges(t.db, 'default', hoursAgo(24), 10)).toBe(0);
    await insert(t);
    expect(await lastChangeSeq(t.db)).toBe(only + 1);
    expect(await firstChangeSeq(t.db)).toBe(only);
  });

  it("runMaintenance's prune-changes keeps changes_keep_hours of the log (0 keeps it all)", async () => {
    for (let i = 0; i < 5; i++) await insert(t);
    const old = await lastChangeSeq(t.db);
    await insert(t);
    await ageChanges(t, old, hoursAgo(3));
    const { logger } = capturingLogger();
    const run = (changes_keep_hours: number) =>
      runMaintenance({
        db: t.db,
        server: 'default',
        tasks: ['prune-changes'],
        settings: { ...DEFAULT_MAINTENANCE, changes_keep_hours, batch_size: 2 },
        logger,
        now: NOW,
      });
    expect(await run(0)).toEqual({ 'prune-changes': 0 });
    expect(await run(4)).toEqual({ 'prune-changes': 0 });
    expect(await run(2)).toEqual({ 'prune-changes': 5 });
    expect((await all(t)).length).toBe(1);
  });
});

import { expect, it } from 'vitest';
import { TERMINAL_STATUSES } from '../src/shared/db/schema.js';
import { archiveTerminalRows, DEFAULT_MAINTENANCE, type MaintenanceSettings } from '../src/shared/maintenance/index.js';
import { archivableRows, copyToArchive } from '../src/shared/db/queue/copy-to-archive.js';
import { deleteQueueRows } from '../src/shared/db/queue/delete-queue-rows.js';
import { describeEngines } from './helpers/engines.js';
import { addRow, hoursAgo, NOW } from './helpers/shared-maintenance-helpers.js';

const settings: MaintenanceSettings = { ...DEFAULT_MAINTENANCE, archive_after_hours: 24, stale_call_hours: 72, batch_size: 500 };

describeEngines('archive of terminal rows', (t) => {
  const queueIds = async (): Promise<number[]> => (await t.db.selectFrom('manager_queue').select('id').orderBy('id').execute()).map((r) => r.id);
  const archiveIds = async (): Promise<number[]> => (await t.db.selectFrom('manager_queue_archive').select('id').orderBy('id').execute()).map((r) => r.id);

  it('moves exactly the old terminal rows of this server, whole, and keeps everything else', async () => {
    const moved: number[] = [];
    const kept: number[] = [];
    for (const status of TERMINAL_STATUSES) moved.push(await addRow(t, { status, created_at: hoursAgo(48), tag: `t-${status}` }));
    // Non-terminal rows stay however old they are.
    for (const status of ['NEW', 'SENDING', 'SENT'] as const) kept.push(await addRow(t, { status, created_at: hoursAgo(1000) }));
    kept.push(await addRow(t, { status: 'SUCCESS', created_at: hoursAgo(23) })); // too young
    kept.push(await addRow(t, { status: 'SUCCESS', created_at: hoursAgo(48), server: 'pbx2' })); // another server's
    // Successful Originates: a call that may still be live stays until stale_call_hours.
    for (const call_state of [null, 'DIALING', 'RINGING', 'UP'] as const) {
      kept.push(await addRow(t, { action: 'Originate', status: 'SUCCESS', call_state, created_at: hoursAgo(48) }));
      moved.push(await addRow(t, { action: 'Originate', status: 'SUCCESS', call_state, created_at: hoursAgo(73) }));
    }
    moved.push(await addRow(t, { action: 'Originate', status: 'SUCCESS', call_state: 'ENDED', created_at: hoursAgo(48) }));
    moved.push(await addRow(t, { action: 'originate', status: 'SUCCESS', call_state: 'FAILED', created_at: hoursAgo(48) }));
    moved.push(await addRow(t, { action: 'Originate', status: 'FAILED', call_state: null, created_at: hoursAgo(48) }));
    const before = await t.db.selectFrom('manager_queue').selectAll().where('id', 'in', moved).orderBy('id').execute();

    const n = await archiveTerminalRows({ db: t.db, server: 'default', settings, now: NOW });

    expect(n).toBe(moved.length);
    expect(await archiveIds()).toEqual([...moved].sort((a, b) => a - b));
    expect(await queueIds()).toEqual([...kept].sort((a, b) => a - b));
    // Same columns, same values, original ids.
    expect(await t.db.selectFrom('manager_queue_archive').selectAll().orderBy('id').execute()).toEqual(before);
    // A second run finds nothing more.
    expect(await archiveTerminalRows({ db: t.db, server: 'default', settings, now: NOW })).toBe(0);
  });

  // Only SQLite's text columns hold a client's own time forms; the server engines' are native.
  it.runIf(t.engine === 'sqlite')('reads a client-written created_at as the instant it names, in any accepted form, never as text', async () => {
    const written = (hours: number, minutes: number): string => {
      // The instant `hours` ago as a client at UTC+minutes writes it (its wall clock and offset).
      const wall = new Date(NOW - hours * 3_600_000 + minutes * 60_000).toISOString().slice(0, 19);
      return `${wall}${minutes < 0 ? '-' : '+'}${String(Math.abs(minutes) / 60).padStart(2, '0')}:00`;
    };
    const old = await addRow(t, { status: 'SUCCESS', created_at: written(25, 180) }); // sorts after the cutoff as text
    const young = await addRow(t, { status: 'SUCCESS', created_at: written(23, -300) }); // sorts before it as text
    const sqliteForm = await addRow(t, { status: 'SUCCESS', created_at: hoursAgo(25).slice(0, 19).replace('T', ' ') });
    const unreadable = await addRow(t, { status: 'INVALID', created_at: 'long ago' }); // no age: stays where it can be seen
    expect(await archiveTerminalRows({ db: t.db, server: 'default', settings, now: NOW })).toBe(2);
    expect(await archiveIds()).toEqual([old, sqliteForm]);
    expect(await queueIds()).toEqual([young, unreadable]);
  });

  it('works in batches until nothing is left', async () => {
    for (let i = 0; i < 7; i++) await addRow(t, { status: 'SUCCESS', created_at: hoursAgo(30) });
    await addRow(t, { status: 'NEW', created_at: hoursAgo(30) });
    const n = await archiveTerminalRows({ db: t.db, server: 'default', settings: { ...settings, batch_size: 2 }, now: NOW });
    expect(n).toBe(7);
    expect((await archiveIds()).length).toBe(7);
    expect(await queueIds()).toHaveLength(1);
  });

  it('archivableRows picks one batch of at most limit rows; copyToArchive copies them; deleteQueueRows deletes exactly those ids', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await addRow(t, { status: 'FAILED', created_at: hoursAgo(30) }));
    const copied = await archivableRows(t.db, { server: 'default', before: hoursAgo(24), liveBefore: hoursAgo(72), limit: 2 });
    expect(copied.sort((a, b) => a - b)).toEqual(ids.slice(0, 2));
    expect(await copyToArchive(t.db, copied)).toBe(2);
    expect(await copyToArchive(t.db, [])).toBe(0);
    expect(await deleteQueueRows(t.db, copied)).toBe(2);
    expect(await deleteQueueRows(t.db, [])).toBe(0);
    expect(await queueIds()).toEqual([ids[2]]);
  });

  it('two hosts archiving the same server at once never collide: each row moves once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await addRow(t, { status: 'SUCCESS', created_at: hoursAgo(30) }));
    const other = await t.openAnother();
    try {
      const small = { ...settings, batch_size: 3 };
      const [a, b] = await Promise.all([
        archiveTerminalRows({ db: t.db, server: 'default', settings: small, now: NOW }),
        archiveTerminalRows({ db: other.db, server: 'default', settings: small, now: NOW }),
      ]);
      expect(a + b).toBe(ids.length);
    } finally {
      await other.close();
    }
    expect(await archiveIds()).toEqual(ids);
    expect(await queueIds()).toEqual([]);
  });

  it('a failure inside the transaction rolls the copy back: no row is in both tables or in neither', async () => {
    const id = await addRow(t, { status: 'LOST', created_at: hoursAgo(30) });
    // A row already in the archive with the same id makes the INSERT fail (primary key).
    await t.db
      .insertInto('manager_queue_archive')
      .values({ id, action: 'Hangup', created_at: hoursAgo(30) })
      .execute();
    await expect(archiveTerminalRows({ db: t.db, server: 'default', settings, now: NOW })).rejects.toThrow(/UNIQUE|constraint|Duplicate entry/i);
    expect(await queueIds()).toEqual([id]);
    expect(await t.db.selectFrom('manager_queue_archive').select('action').execute()).toEqual([{ action: 'Hangup' }]);
    // The connection is usable afterwards (the transaction was closed).
    expect(await t.db.selectFrom('manager_queue').select('id').execute()).toHaveLength(1);
  });
});

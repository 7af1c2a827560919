import { expect, it } from 'vitest';
import { defaultConfig } from '../src/shared/config/index.js';
import { DEFAULT_MAINTENANCE, runMaintenance, scheduleMaintenance, type MaintenanceSettings } from '../src/shared/maintenance/index.js';
import { pruneArchive } from '../src/shared/db/queue/prune-archive.js';
import { pruneConferences } from '../src/shared/db/conferences/prune-conferences.js';
import { pruneEvents } from '../src/shared/db/events/prune-events.js';
import { describeEngines } from './helpers/engines.js';
import { addRow, capturingLogger, hoursAgo, NOW, type TestDb } from './helpers/shared-maintenance-helpers.js';

const DAY = 24;
const settings: MaintenanceSettings = { ...DEFAULT_MAINTENANCE, prune_after_days: 30, batch_size: 500 };

async function addArchive(t: TestDb, created_at: string, server = 'default'): Promise<void> {
  // Ids far above the live queue's: archived rows keep the queue's (never reused) ids.
  const id =
    (
      await t.db
        .selectFrom('manager_queue_archive')
        .select((eb) => eb.fn.max('id').as('m'))
        .executeTakeFirst()
    )?.m ?? 1000;
  await t.db
    .insertInto('manager_queue_archive')
    .values({ id: Number(id) + 1, server, action: 'Hangup', status: 'SUCCESS', created_at })
    .execute();
}
async function addEvent(t: TestDb, time: string, server = 'default'): Promise<void> {
  await t.db.insertInto('manager_events').values({ server, time, event: 'Hangup', headers: '[]' }).execute();
}
async function addConference(t: TestDb, closed_at: string | null, server = 'default'): Promise<void> {
  const old = hoursAgo(100 * DAY);
  await t.db.insertInto('conferences').values({ server, kind: 'confbridge', room: '4000', first_seen: old, last_seen: old, closed_at }).execute();
}
const count = async (t: TestDb, table: 'manager_queue_archive' | 'manager_events' | 'conferences' | 'manager_queue'): Promise<number> =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describeEngines('prune', (t) => {
  async function seed(): Promise<void> {
    for (let i = 0; i < 3; i++) await addArchive(t, hoursAgo(31 * DAY));
    await addArchive(t, hoursAgo(29 * DAY));
    await addArchive(t, hoursAgo(31 * DAY), 'pbx2');
    for (let i = 0; i < 4; i++) await addEvent(t, hoursAgo(40 * DAY));
    await addEvent(t, hoursAgo(1));
    await addEvent(t, hoursAgo(40 * DAY), 'pbx2');
    await addConference(t, hoursAgo(31 * DAY));
    await addConference(t, hoursAgo(31 * DAY));
    await addConference(t, hoursAgo(2 * DAY)); // closed recently
    await addConference(t, null); // still open, however old
    await addConference(t, hoursAgo(31 * DAY), 'pbx2');
    // The live queue is never pruned, whatever its age.
    await addRow(t, { status: 'SUCCESS', created_at: hoursAgo(365 * DAY) });
  }

  it('each statement deletes only rows of its server older than the cutoff, up to the limit', async () => {
    await seed();
    const before = hoursAgo(30 * DAY);
    expect(await pruneArchive(t.db, 'default', before, 2)).toBe(2);
    expect(await pruneArchive(t.db, 'default', before, 2)).toBe(1);
    expect(await pruneArchive(t.db, 'default', before, 2)).toBe(0);
    expect(await pruneEvents(t.db, 'default', before, 10)).toBe(4);
    expect(await pruneConferences(t.db, 'default', before, 10)).toBe(2);
    expect([await count(t, 'manager_queue_archive'), await count(t, 'manager_events'), await count(t, 'conferences')]).toEqual([2, 2, 3]);
  });

  // Only SQLite's text columns hold a client's own time forms; the server engines' are native.
  it.runIf(t.engine === 'sqlite')('archive rows are aged by the instant their created_at names, never by its text', async () => {
    // The instant `h` hours ago as a client at UTC+minutes writes it (its wall clock and offset).
    const written = (h: number, minutes: number, zone: string): string =>
      new Date(Date.parse(hoursAgo(h)) + minutes * 60_000).toISOString().slice(0, 19) + zone;
    await addArchive(t, written(30 * DAY + 1, 180, '+03:00')); // an hour past the cutoff; sorts after it as text
    await addArchive(t, written(30 * DAY - 1, -300, '-05:00')); // an hour short of it; sorts before it as text
    await addArchive(t, 'not a time'); // no age: kept
    expect(await pruneArchive(t.db, 'default', hoursAgo(30 * DAY), 10)).toBe(1);
    expect((await t.db.selectFrom('manager_queue_archive').select('created_at').orderBy('id').execute()).map((r) => r.created_at.slice(-6))).toEqual([
      '-05:00',
      'a time',
    ]);
  });

  it('runMaintenance runs the tasks asked for, in batches, and logs the counts', async () => {
    await seed();
    await addRow(t, { status: 'FAILED', created_at: hoursAgo(48) });
    const { logger, lines } = capturingLogger();
    const report = await runMaintenance({
      db: t.db,
      server: 'default',
      tasks: ['archive', 'prune-archive', 'prune-events', 'prune-conferences'],
      settings: { ...settings, batch_size: 2 },
      logger,
      now: NOW,
    });
    // The archive run moved the 365-day-old row and the FAILED one; the prune then removed the old one.
    expect(report).toEqual({ archive: 2, 'prune-archive': 4, 'prune-events': 4, 'prune-conferences': 2 });
    expect(await count(t, 'manager_queue')).toBe(0);
    expect(await count(t, 'manager_queue_archive')).toBe(3);
    const line = lines.find((l) => l.msg === 'maintenance: rows archived/pruned');
    expect(line).toMatchObject({ server: 'default', archive: 2, 'prune-events': 4 });
  });

  it('only the tasks given run; prune_after_days = 0 keeps everything', async () => {
    await seed();
    const { logger } = capturingLogger();
    // config.maintenance as loaded (30 days by default), the other keys defaulted.
    const r1 = await runMaintenance({ db: t.db, server: 'default', tasks: ['prune-events'], settings: defaultConfig().maintenance, logger, now: NOW });
    expect(r1).toEqual({ 'prune-events': 4 });
    expect(await count(t, 'manager_queue_archive')).toBe(5);
    const r2 = await runMaintenance({
      db: t.db,
      server: 'default',
      tasks: ['prune-archive', 'prune-conferences'],
      settings: { ...settings, prune_after_days: 0 },
      logger,
      now: NOW,
    });
    expect(r2).toEqual({ 'prune-archive': 0, 'prune-conferences': 0 });
    expect(await count(t, 'conferences')).toBe(5);
  });

  it('scheduleMaintenance runs on its node-cron schedule and stops', async () => {
    await addEvent(t, '2000-01-01T00:00:00.000Z');
    const { logger, lines } = capturingLogger();
    const ran = new Promise<void>((resolve) => {
      const orig = logger.info.bind(logger);
      logger.info = ((...args: Parameters<typeof orig>) => {
        orig(...args);
        resolve();
      }) as typeof logger.info;
    });
    const job = scheduleMaintenance({ db: t.db, server: 'default', tasks: ['prune-events'], settings: { ...settings, schedule: '* * * * * *' }, logger });
    await ran;
    await job.stop();
    expect(lines.some((l) => l['prune-events'] === 1)).toBe(true);
    expect(await count(t, 'manager_events')).toBe(0);
  });

  it('a bad schedule is refused at once, naming it', () => {
    const { logger } = capturingLogger();
    expect(() => scheduleMaintenance({ db: t.db, server: 'default', tasks: ['archive'], settings: { ...settings, schedule: 'every day' }, logger })).toThrow(
      /invalid node-cron schedule "every day"/,
    );
  });
});

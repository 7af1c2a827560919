import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCleaner } from '../src/meetme-cleaner/cleaner.js';
import type { CleanerSettings, ConferenceKind, KindListing, ListedRoom } from '../src/meetme-cleaner/types.js';
import { capturingLogger } from './helpers/shared-maintenance-helpers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

const T0 = Date.parse('2026-11-22T12:00:00.000Z');
const settings: CleanerSettings = { alone_grace_seconds: 60, max_member_seconds: 0, exempt_rooms: [], exempt_channels: [] };

/** What the PBX lists, settable per kind; `fail` makes a listing throw (a dropped connection). */
class FakeLister {
  rooms: Record<ConferenceKind, ListedRoom[] | null> = { confbridge: [], meetme: null };
  fail = false;
  async list(kind: ConferenceKind): Promise<KindListing> {
    if (this.fail) throw new Error('connection lost');
    const rooms = this.rooms[kind];
    return rooms === null ? { kind, present: false } : { kind, present: true, rooms };
  }
}

const cb = (room: string, ...channels: string[]): ListedRoom => ({ room, members: channels.map((channel) => ({ channel })) });

describe('cleaner tick against the database', () => {
  let t: TestDb;
  let clock: number;
  let lister: FakeLister;
  const make = (over: Partial<CleanerSettings> = {}, dryRun = false) =>
    createCleaner({ db: t.db, lister, server: 'default', settings: { ...settings, ...over }, logger: capturingLogger().logger, now: () => clock, dryRun });
  const queue = () => t.db.selectFrom('manager_queue').selectAll().orderBy('id').execute();
  const rooms = () => t.db.selectFrom('conferences').selectAll().orderBy('id').execute();

  beforeEach(async () => {
    t = await openTestDb();
    clock = T0;
    lister = new FakeLister();
  });
  afterEach(async () => t.close());

  it('a lone member is kicked after the grace period and not before, once', async () => {
    const cleaner = make();
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1', 'SIP/b-1')];
    await cleaner.tick();
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1')];
    clock = T0 + 15_000;
    await cleaner.tick(); // alone from here
    clock = T0 + 75_000;
    expect((await cleaner.tick()).kicks).toEqual([]);
    expect(await queue()).toEqual([]);
    clock = T0 + 75_001;
    const r = await cleaner.tick();
    expect(r.kicks).toEqual([{ kind: 'confbridge', room: '4000', channel: 'SIP/a-1', reason: 'alone', queueId: expect.any(Number) }]);
    const rows = await queue();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'ConfbridgeKick', channel: 'SIP/a-1', tag: 'meetme-cleaner:alone', status: 'NEW', server: 'default' });
    expect(JSON.parse(rows[0]!.params)).toEqual({ Conference: '4000' });
    // Still listed (the sender has not run yet): never a second row.
    clock = T0 + 200_000;
    await cleaner.tick();
    expect(await queue()).toHaveLength(1);
    const [room] = await rooms();
    expect(JSON.parse(room!.members)[0].kicked).toEqual({ reason: 'alone', at: new Date(T0 + 75_001).toISOString(), queue_id: rows[0]!.id });
  });

  it('a restart mid-grace keeps the clock: a new cleaner on the same database kicks on time', async () => {
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1')];
    await make().tick();
    clock = T0 + 40_000;
    await make().tick();
    expect(await queue()).toEqual([]);
    clock = T0 + 61_000;
    expect((await make().tick()).kicks).toHaveLength(1);
    // And a further restart does not kick again.
    clock = T0 + 90_000;
    await make().tick();
    expect(await queue()).toHaveLength(1);
  });

  it('stores the room state: members, count, alone_since, first/last seen; closes rooms that are gone', async () => {
    const cleaner = make();
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1', 'SIP/b-1'), cb('4001', 'SIP/c-1')];
    await cleaner.tick();
    let all = await rooms();
    expect(all.map((r) => [r.kind, r.room, r.member_count, r.alone_since, r.closed_at])).toEqual([
      ['confbridge', '4000', 2, null, null],
      ['confbridge', '4001', 1, new Date(T0).toISOString(), null],
    ]);
    clock = T0 + 15_000;
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1', 'SIP/b-1')];
    expect((await cleaner.tick()).closed).toBe(1);
    all = await rooms();
    expect(all[0]).toMatchObject({ last_seen: new Date(T0 + 15_000).toISOString(), first_seen: new Date(T0).toISOString(), closed_at: null });
    expect(all[1]).toMatchObject({ closed_at: new Date(T0 + 15_000).toISOString() });
    // The same room number later is a new room with its own clock.
    clock = T0 + 30_000;
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1', 'SIP/b-1'), cb('4001', 'SIP/d-1')];
    await cleaner.tick();
    expect((await rooms()).filter((r) => r.room === '4001').map((r) => [r.alone_since, r.closed_at])).toEqual([
      [new Date(T0).toISOString(), new Date(T0 + 15_000).toISOString()],
      [new Date(T0 + 30_000).toISOString(), null],
    ]);
  });

  it('a failed listing changes nothing: rooms stay open, clocks keep running', async () => {
    const cleaner = make();
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1')];
    await cleaner.tick();
    lister.fail = true;
    clock = T0 + 30_000;
    expect((await cleaner.tick()).kinds).toEqual({ confbridge: 'failed', meetme: 'failed' });
    expect((await rooms())[0]).toMatchObject({ closed_at: null, alone_since: new Date(T0).toISOString() });
    lister.fail = false;
    clock = T0 + 61_000;
    expect((await cleaner.tick()).kicks).toHaveLength(1);
  });

  it('exempt rooms and channels are never kicked', async () => {
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1'), cb('4002', 'SIP/operator-7')];
    const cleaner = make({ exempt_rooms: ['4000'], exempt_channels: ['SIP/operator-*'] });
    await cleaner.tick();
    clock = T0 + 3_600_000;
    expect((await cleaner.tick()).kicks).toEqual([]);
    expect(await queue()).toEqual([]);
  });

  it('max_member_seconds kicks with the max-duration tag; a MeetMe kick is a Hangup with Command off', async () => {
    lister.rooms.confbridge = null;
    lister.rooms.meetme = [
      {
        room: '5000',
        members: [
          { channel: 'DAHDI/1-1', user: '1', seconds: 100 },
          { channel: 'SIP/b-1', user: '2', seconds: 5 },
        ],
      },
    ];
    const cleaner = make({ max_member_seconds: 120 });
    await cleaner.tick();
    clock = T0 + 21_000;
    const r = await cleaner.tick();
    expect(r.kinds).toEqual({ confbridge: 'absent', meetme: 'listed' });
    expect(r.kicks.map((k) => [k.channel, k.reason])).toEqual([['DAHDI/1-1', 'max-duration']]);
    const [row] = await queue();
    expect(row).toMatchObject({ action: 'Hangup', channel: 'DAHDI/1-1', tag: 'meetme-cleaner:max-duration' });
    expect(JSON.parse(row!.params)).toEqual({});
  });

  it('--dry-run logs what it would kick, enqueues nothing, and logs it once', async () => {
    lister.rooms.confbridge = [cb('4000', 'SIP/a-1')];
    const { logger, lines } = capturingLogger();
    const cleaner = createCleaner({ db: t.db, lister, server: 'default', settings, logger, now: () => clock, dryRun: true });
    await cleaner.tick();
    clock = T0 + 61_000;
    expect((await cleaner.tick()).kicks).toEqual([{ kind: 'confbridge', room: '4000', channel: 'SIP/a-1', reason: 'alone' }]);
    clock = T0 + 120_000;
    expect((await cleaner.tick()).kicks).toEqual([]);
    expect(await queue()).toEqual([]);
    expect(lines.filter((l) => l.msg === 'dry run: would kick')).toEqual([expect.objectContaining({ room: '4000', channel: 'SIP/a-1', reason: 'alone' })]);
    // Dry run off: the member is kicked for real.
    expect((await make().tick()).kicks).toHaveLength(1);
    expect(await queue()).toHaveLength(1);
  });

  it('logs which conference applications the PBX has, once, and again when that changes', async () => {
    const { logger, lines } = capturingLogger();
    const cleaner = createCleaner({ db: t.db, lister, server: 'default', settings, logger, now: () => clock });
    await cleaner.tick();
    await cleaner.tick();
    lister.fail = true;
    await cleaner.tick();
    lister.fail = false;
    lister.rooms.meetme = [];
    await cleaner.tick();
    expect(lines.filter((l) => String(l.msg).includes('on this PBX')).map((l) => l.present)).toEqual([['confbridge'], ['confbridge', 'meetme']]);
  });
});

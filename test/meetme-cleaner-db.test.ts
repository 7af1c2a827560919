import { expect, it } from 'vitest';
import { closeRooms } from '../src/shared/db/conferences/close-rooms.js';
import { insertRoom } from '../src/shared/db/conferences/insert-room.js';
import { loadOpenRooms } from '../src/shared/db/conferences/load-open-rooms.js';
import { roomColumns, rowToState } from '../src/meetme-cleaner/room-columns.js';
import { updateRoom } from '../src/shared/db/conferences/update-room.js';
import type { RoomState } from '../src/meetme-cleaner/types.js';
import type { Kysely } from 'kysely';
import type { Database } from '../src/shared/db/schema.js';
import { describeEngines } from './helpers/engines.js';

const T0 = Date.parse('2026-11-22T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const state = (room: string, channels: string[], alone_since: string | null = null): RoomState => ({
  kind: 'confbridge',
  room,
  members: channels.map((channel) => ({ channel, joined_at: iso(T0), first_seen: iso(T0) })),
  alone_since,
});

const insert = (db: Kysely<Database>, server: string, s: RoomState, now: number) => insertRoom(db, server, s.kind, s.room, roomColumns(s), now);

describeEngines('conference statements', (t) => {
  it('insertRoom stores members, count, alone_since, first/last seen; loadOpenRooms returns open rooms of one server and kind', async () => {
    const id = await insert(t.db, 'default', state('4000', ['SIP/a'], iso(T0)), T0);
    await insert(t.db, 'pbx2', state('4000', ['SIP/b']), T0);
    await insert(t.db, 'default', { ...state('5000', ['SIP/c']), kind: 'meetme' }, T0);
    const rows = await loadOpenRooms(t.db, 'default', 'confbridge');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, room: '4000', member_count: 1, alone_since: iso(T0), first_seen: iso(T0), last_seen: iso(T0), closed_at: null });
    expect(rowToState(rows[0]!)).toEqual(state('4000', ['SIP/a'], iso(T0)));
  });

  it('updateRoom writes the state and last_seen of an open room only; closeRooms closes open rooms only and counts them', async () => {
    const a = await insert(t.db, 'default', state('4000', ['SIP/a', 'SIP/b']), T0);
    const b = await insert(t.db, 'default', state('4001', ['SIP/c']), T0);
    expect(await updateRoom(t.db, a, roomColumns(state('4000', ['SIP/a'], iso(T0 + 5000))), T0 + 5000)).toBe(true);
    expect(await closeRooms(t.db, [b], T0 + 6000)).toBe(1);
    expect(await closeRooms(t.db, [a, b], T0 + 7000)).toBe(1);
    expect(await closeRooms(t.db, [], T0 + 8000)).toBe(0);
    expect(await updateRoom(t.db, a, roomColumns(state('4000', [])), T0 + 9000)).toBe(false);
    const rows = await t.db.selectFrom('conferences').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.member_count, r.alone_since, r.last_seen, r.closed_at])).toEqual([
      [1, iso(T0 + 5000), iso(T0 + 5000), iso(T0 + 7000)],
      [1, null, iso(T0), iso(T0 + 6000)],
    ]);
    expect(await loadOpenRooms(t.db, 'default', 'confbridge')).toEqual([]);
  });

  it('rowToState survives a hand-edited members column', async () => {
    const id = await insert(t.db, 'default', state('4000', []), T0);
    const row = (await loadOpenRooms(t.db, 'default', 'confbridge'))[0]!;
    expect(rowToState({ ...row, members: 'not json' }).members).toEqual([]);
    expect(rowToState({ ...row, members: '{"a":1}' }).members).toEqual([]);
    const kept = { channel: 'SIP/a', user: '2', joined_at: iso(T0), first_seen: iso(T0), kicked: { reason: 'alone', at: iso(T0), queue_id: 9 } };
    const members = JSON.stringify([kept, { channel: 5 }, { ...kept, channel: 'SIP/b', kicked: { reason: 'bogus', at: 'x' } }]);
    expect(rowToState({ ...row, id, members }).members).toEqual([kept, { channel: 'SIP/b', user: '2', joined_at: iso(T0), first_seen: iso(T0) }]);
    expect(roomColumns(state('4000', ['SIP/a', 'SIP/b']))).toMatchObject({ member_count: 2, alone_since: null });
  });
});

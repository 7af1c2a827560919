import { describe, expect, it } from 'vitest';
import { kickRow, kickTag } from '../src/meetme-cleaner/kick-row.js';
import { mergeRoom } from '../src/meetme-cleaner/reconcile.js';
import { decideKicks, globToRegExp, isExemptChannel } from '../src/meetme-cleaner/rules.js';
import type { CleanerSettings, ListedRoom, RoomState } from '../src/meetme-cleaner/types.js';

const T0 = Date.parse('2026-11-22T12:00:00.000Z');
const s = (n: number): number => T0 + n * 1000;
const settings: CleanerSettings = { alone_grace_seconds: 60, max_member_seconds: 0, exempt_rooms: [], exempt_channels: [] };
const room = (name: string, ...channels: string[]): ListedRoom => ({ room: name, members: channels.map((channel) => ({ channel })) });

/** Feed listings at the given seconds, as ticks would, and return the state after the last. */
function run(kind: 'confbridge' | 'meetme', steps: Array<[number, ListedRoom]>): RoomState {
  let state: RoomState | undefined;
  for (const [at, listed] of steps) state = mergeRoom(kind, state, listed, s(at));
  return state!;
}

describe('mergeRoom (grace clock)', () => {
  it('starts the alone clock when a room becomes a room of one and keeps it while the same member stays alone', () => {
    const a = run('confbridge', [[0, room('4000', 'SIP/a', 'SIP/b')]]);
    expect(a.alone_since).toBeNull();
    const b = mergeRoom('confbridge', a, room('4000', 'SIP/a'), s(10));
    expect(b.alone_since).toBe(new Date(s(10)).toISOString());
    const c = mergeRoom('confbridge', b, room('4000', 'SIP/a'), s(50));
    expect(c.alone_since).toBe(b.alone_since);
    expect(c.members[0]!.first_seen).toBe(new Date(s(0)).toISOString());
  });

  it('restarts the clock for a different lone member, and stops it when someone joins', () => {
    const a = run('confbridge', [
      [0, room('4000', 'SIP/a')],
      [30, room('4000', 'SIP/b')],
    ]);
    expect(a.alone_since).toBe(new Date(s(30)).toISOString());
    expect(mergeRoom('confbridge', a, room('4000', 'SIP/b', 'SIP/c'), s(40)).alone_since).toBeNull();
  });

  it('takes the join time from the PBX when it gives one (AnsweredTime, MeetMe duration), else first seen', () => {
    const st = mergeRoom(
      'meetme',
      undefined,
      {
        room: '5000',
        members: [
          { channel: 'DAHDI/1-1', user: '1', seconds: 90 },
          { channel: 'SIP/x', user: '2' },
        ],
      },
      s(100),
    );
    expect(st.members.map((m) => m.joined_at)).toEqual([new Date(s(10)).toISOString(), new Date(s(100)).toISOString()]);
    // Later listings do not move it.
    const st2 = mergeRoom('meetme', st, { room: '5000', members: [{ channel: 'DAHDI/1-1', user: '1', seconds: 200 }] }, s(200));
    expect(st2.members[0]!.joined_at).toBe(new Date(s(10)).toISOString());
  });

  it('a MeetMe member who rejoins under a new user number is a new member', () => {
    const a = mergeRoom('meetme', undefined, { room: '5000', members: [{ channel: 'SIP/a', user: '1' }] }, s(0));
    a.members[0]!.kicked = { reason: 'alone', at: new Date(s(0)).toISOString() };
    const b = mergeRoom('meetme', a, { room: '5000', members: [{ channel: 'SIP/a', user: '3' }] }, s(5));
    expect(b.members[0]!.kicked).toBeUndefined();
    expect(b.members[0]!.user).toBe('3');
  });
});

describe('decideKicks', () => {
  it('kicks a lone member only once the grace period has passed (strictly longer)', () => {
    const at = (sec: number) => decideKicks(run('confbridge', [[0, room('4000', 'SIP/a')]]), settings, s(sec));
    expect(at(59)).toEqual([]);
    expect(at(60)).toEqual([]);
    expect(at(61).map((k) => [k.member.channel, k.reason])).toEqual([['SIP/a', 'alone']]);
  });

  it('never kicks in a room of two, however long', () => {
    expect(decideKicks(run('confbridge', [[0, room('4000', 'SIP/a', 'SIP/b')]]), settings, s(10_000))).toEqual([]);
  });

  it('kicks members past max_member_seconds (0 = off), alone first when both fire', () => {
    const st = mergeRoom(
      'confbridge',
      undefined,
      {
        room: '4000',
        members: [
          { channel: 'SIP/a', seconds: 3000 },
          { channel: 'SIP/b', seconds: 10 },
        ],
      },
      s(0),
    );
    expect(decideKicks(st, settings, s(1))).toEqual([]);
    const max = { ...settings, max_member_seconds: 3600 };
    expect(decideKicks(st, max, s(600))).toEqual([]);
    expect(decideKicks(st, max, s(601)).map((k) => [k.member.channel, k.reason])).toEqual([['SIP/a', 'max-duration']]);
    const lone = mergeRoom('confbridge', undefined, { room: '4000', members: [{ channel: 'SIP/a', seconds: 7200 }] }, s(0));
    expect(decideKicks(lone, max, s(61)).map((k) => k.reason)).toEqual(['alone']);
  });

  it('never touches exempt rooms or exempt channels', () => {
    const lone = run('confbridge', [[0, room('4000', 'SIP/operator-0001')]]);
    expect(decideKicks(lone, { ...settings, exempt_rooms: ['4000'] }, s(1000))).toEqual([]);
    expect(decideKicks(lone, { ...settings, exempt_channels: ['SIP/operator-*'] }, s(1000))).toEqual([]);
    expect(decideKicks(lone, { ...settings, exempt_rooms: ['40000', '400'], exempt_channels: ['SIP/operator-2', 'IAX2/'] }, s(1000))).toHaveLength(1);
  });

  it('never decides a member twice; a dry-run mark blocks only further dry runs', () => {
    const st = run('confbridge', [[0, room('4000', 'SIP/a')]]);
    st.members[0]!.kicked = { reason: 'alone', at: new Date(s(61)).toISOString(), queue_id: 7 };
    expect(decideKicks(st, settings, s(500))).toEqual([]);
    expect(decideKicks(st, settings, s(500), true)).toEqual([]);
    st.members[0]!.kicked = { reason: 'alone', at: new Date(s(61)).toISOString(), dry_run: true };
    expect(decideKicks(st, settings, s(500), true)).toEqual([]);
    expect(decideKicks(st, settings, s(500), false)).toHaveLength(1);
  });

  it('a MeetMe member without a user number is still kicked (by a Hangup of its channel)', () => {
    expect(decideKicks(run('meetme', [[0, room('5000', 'SIP/a')]]), settings, s(100))).toHaveLength(1);
  });
});

describe('globs and kick rows', () => {
  it('exempt channel patterns: prefixes with * and ?, case-insensitive, other characters literal', () => {
    expect(globToRegExp('Local/*@moh;?').test('local/200@moh;2')).toBe(true);
    expect(globToRegExp('SIP/a.b').test('SIP/aXb')).toBe(false);
    expect(isExemptChannel('SIP/operator-00000001', ['SIP/operator'])).toBe(true);
    expect(isExemptChannel('PJSIP/operator-1', ['SIP/operator'])).toBe(false);
    expect(isExemptChannel('SIP/100-0001', ['DAHDI/*', 'SIP/1??-*'])).toBe(true);
    expect(isExemptChannel('SIP/1000-0001', ['SIP/1??-*'])).toBe(false);
  });

  it('ConfbridgeKick with Conference + Channel; MeetMe by Hangup, or Command only where allowed; the tag names the rule', () => {
    const m = { channel: 'Local/200@amq-test-0000000b;2', joined_at: '', first_seen: '' };
    expect(kickRow('pbx1', 'confbridge', '4000', m, 'alone', [])).toEqual({
      server: 'pbx1',
      action: 'ConfbridgeKick',
      channel: 'Local/200@amq-test-0000000b;2',
      params: { Conference: '4000' },
      tag: 'meetme-cleaner:alone',
    });
    const member = { ...m, channel: 'DAHDI/1-1', user: '3' };
    const hangup = { server: 'default', action: 'Hangup', channel: 'DAHDI/1-1', params: {}, tag: 'meetme-cleaner:max-duration' };
    expect(kickRow('default', 'meetme', '5000', member, 'max-duration', [])).toEqual(hangup);
    expect(kickRow('default', 'meetme', '5000', member, 'max-duration', ['core show'])).toEqual(hangup);
    expect(kickRow('default', 'meetme', '5000', { ...member, user: undefined }, 'max-duration', ['meetme kick'])).toEqual(hangup);
    expect(kickRow('default', 'meetme', '5000', member, 'max-duration', ['meetme  kick'])).toEqual({
      server: 'default',
      action: 'Command',
      channel: null,
      params: { Command: 'meetme kick 5000 3' },
      tag: 'meetme-cleaner:max-duration',
    });
    expect(kickTag('alone')).toBe('meetme-cleaner:alone');
  });
});

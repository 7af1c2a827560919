import { describe, expect, it } from 'vitest';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { simulatorHarness, type RawPeer } from './helpers/simulator-peer.js';

const h = simulatorHarness();
const { loggedIn } = h;

const id = (m: AmiMessage) => m.get('ActionID');
const names = (msgs: AmiMessage[]) => msgs.filter((m) => m.kind === 'event').map((m) => m.eventName);

/** Originate Local/<exten> to 600 and wait until its ;2 has joined the conference. */
async function joinVia(p: RawPeer, exten: string, actionId: string, joinEvent: string): Promise<string> {
  p.send('Originate', {
    Channel: `Local/${exten}@default`,
    Exten: '600',
    Context: 'default',
    Priority: '1',
    Async: 'true',
    CallerID: '"AMQ" <M1>',
    ActionID: actionId,
  });
  const resp = await p.event('OriginateResponse', (m) => id(m) === actionId);
  const two = resp.get('Channel')!.replace(/;1$/, ';2');
  await p.event(joinEvent, (m) => m.get('Channel') === two);
  return two;
}

describe('simulator: ConfBridge (exten 200, room 4000)', () => {
  it('lists rooms and members, kicks one as in confbridge-actions', async () => {
    const p = await loggedIn();
    const a = await joinVia(p, '200', 'fx0', 'ConfbridgeJoin');
    const b = await joinVia(p, '200', 'fx1', 'ConfbridgeJoin');

    p.send('ConfbridgeListRooms', { ActionID: 'cb1' });
    expect((await p.response('cb1')).get('Message')).toBe('Confbridge conferences will follow');
    expect((await p.event('ConfbridgeListRooms')).headers).toEqual([
      ['Event', 'ConfbridgeListRooms'],
      ['ActionID', 'cb1'],
      ['Conference', '4000'],
      ['Parties', '2'],
      ['Marked', '0'],
      ['Locked', 'No'],
      ['Muted', 'No'],
    ]);

    p.send('ConfbridgeList', { Conference: '4000', ActionID: 'cb2' });
    await p.event('ConfbridgeListComplete', (m) => id(m) === 'cb2');
    const items = p.messages.filter((m) => m.eventName === 'ConfbridgeList' && id(m) === 'cb2');
    expect(items.map((m) => m.get('Channel'))).toEqual([a, b]);
    expect(items[0]!.headers.slice(0, 12).map(([k]) => k)).toEqual([
      'Event',
      'ActionID',
      'Conference',
      'Admin',
      'MarkedUser',
      'WaitMarked',
      'EndMarked',
      'EndMarkedAny',
      'Waiting',
      'Muted',
      'Talking',
      'AnsweredTime',
    ]);

    p.send('ConfbridgeKick', { Conference: '4000', Channel: a, ActionID: 'cb3' });
    expect((await p.response('cb3')).get('Message')).toBe('User kicked');
    const leave = await p.event('ConfbridgeLeave', (m) => m.get('Channel') === a);
    expect(leave.get('Conference')).toBe('4000');
    expect((await p.event('VarSet', (m) => m.get('Variable') === 'CONFBRIDGE_RESULT')).get('Value')).toBe('KICKED');
    // Kicked, the dialplan goes on to Hangup: the whole call ends with cause 16.
    expect((await p.event('Hangup', (m) => m.get('Channel') === a)).get('Cause')).toBe('16');

    p.send('ConfbridgeList', { Conference: '4000', ActionID: 'cb4' });
    expect((await p.event('ConfbridgeListComplete', (m) => id(m) === 'cb4')).get('ListItems')).toBe('1');
    p.send('ConfbridgeKick', { Conference: '9999', Channel: 'all', ActionID: 'cb5' });
    expect((await p.response('cb5')).get('Message')).toBe('No Conference by that name found.');
    p.send('ConfbridgeList', { Conference: '9999', ActionID: 'cb6' });
    expect((await p.response('cb6')).get('Message')).toBe('No Conference by that name found.');
    p.send('ConfbridgeKick', { Conference: '4000', Channel: 'SIP/nobody', ActionID: 'cb7' });
    expect((await p.response('cb7')).get('Message')).toBe('No Channel by that name found in Conference.');
  });

  it('raises the bridge and conference events of confbridge-events, ending the room with its last member', async () => {
    const p = await loggedIn();
    const a = await joinVia(p, '200', 'fx0', 'ConfbridgeJoin');
    expect(names(p.messages).filter((n) => /^(Bridge|Confbridge)/.test(n!))).toEqual(['BridgeCreate', 'ConfbridgeStart', 'BridgeEnter', 'ConfbridgeJoin']);
    const join = await p.event('ConfbridgeJoin');
    expect(join.get('BridgeName')).toBe('4000');
    expect(join.get('BridgeNumChannels')).toBe('2');
    expect([join.get('Admin'), join.get('Muted')]).toEqual(['No', 'No']);
    expect(h.sim.channels().find((c) => c.name === a)).toMatchObject({
      conference: { kind: 'confbridge', room: '4000' },
      bridgeId: join.get('BridgeUniqueid'),
    });

    expect(h.sim.hangup(a.replace(/;2$/, ';1'))).toBe(true);
    await p.event('BridgeDestroy');
    const tail = names(p.messages.slice(p.messages.findIndex((m) => m.eventName === 'SoftHangupRequest')));
    expect(tail.filter((n) => /^(Bridge|Confbridge)/.test(n!))).toEqual(['ConfbridgeLeave', 'BridgeLeave', 'ConfbridgeEnd', 'BridgeDestroy']);
    p.send('ConfbridgeListRooms', { ActionID: 'none' });
    expect((await p.response('none')).get('Message')).toBe('No active conferences.');
  });

  it('adds members directly for the cleaner tests', async () => {
    const p = await loggedIn();
    const m = h.sim.addConferenceMember({ kind: 'confbridge', room: '4100', callerIdNum: '555' });
    expect(m).toMatchObject({ state: 'Up', conference: { kind: 'confbridge', room: '4100' }, callerIdNum: '555' });
    expect((await p.event('ConfbridgeJoin')).get('Channel')).toBe(m.name);
    p.send('ConfbridgeKick', { Conference: '4100', Channel: 'all', ActionID: 'k' });
    expect((await p.response('k')).get('Message')).toBe('All participants kicked');
    await p.event('Hangup', (e) => e.get('Channel') === m.name);
    expect(h.sim.channels()).toEqual([]);
  });
});

describe('simulator: MeetMe (exten 201, room 5000)', () => {
  it('lists rooms and users by action and by CLI, and kicks with meetme kick', async () => {
    const p = await loggedIn();
    const a = await joinVia(p, '201', 'm0', 'MeetmeJoin');
    const join = await p.event('MeetmeJoin');
    expect([join.get('Meetme'), join.get('User')]).toEqual(['5000', '1']);
    const b = h.sim.addMeetmeMember('5000');

    p.send('MeetmeListRooms', { ActionID: 'r' });
    const room = await p.event('MeetmeListRooms');
    expect([room.get('Conference'), room.get('Parties'), room.get('Creation'), room.get('Locked')]).toEqual(['5000', '2', 'Dynamic', 'No']);

    p.send('MeetmeList', { ActionID: 'l' });
    await p.event('MeetmeListComplete', (m) => id(m) === 'l');
    const users = p.messages.filter((m) => m.eventName === 'MeetmeList');
    expect(users.map((m) => [m.get('UserNumber'), m.get('Channel')])).toEqual([
      ['1', a],
      ['2', b.name],
    ]);
    expect(users[1]!.get('CallerIDName')).toBe('<no name>');

    p.send('Command', { Command: 'meetme list', ActionID: 'c1' });
    const list = (await p.response('c1')).all('Output');
    expect(list[0]).toMatch(/^Conf Num\s+Parties\s+Marked\s+Activity\s+Creation\s+Locked/);
    expect(list[1]).toMatch(/^5000\s+0002\s+N\/A\s+\d\d:\d\d:\d\d\s+Dynamic\s+No/);
    expect(list[2]).toBe('* Total number of MeetMe users: 2');
    p.send('Command', { Command: 'meetme list 5000 concise', ActionID: 'c2' });
    const concise = (await p.response('c2')).all('Output');
    expect(concise.map((l) => l.split('!').slice(0, 4))).toEqual([
      ['1', 'M1', 'AMQ', a],
      ['2', '<unknown>', '<no name>', b.name],
    ]);

    p.send('Command', { Command: 'meetme kick 5000 1', ActionID: 'k' });
    expect((await p.response('k')).all('Output')).toEqual(['']);
    const leave = await p.event('MeetmeLeave');
    expect([leave.get('Channel'), leave.get('User')]).toEqual([a, '1']);
    expect(leave.get('Duration')).toMatch(/^\d+$/);
    await p.event('Hangup', (m) => m.get('Channel') === a);
    expect(h.sim.channels().map((c) => c.name)).toEqual([b.name]);

    p.send('Command', { Command: 'meetme kick 5000 all', ActionID: 'k2' });
    await p.event('MeetmeEnd');
    p.send('MeetmeList', { ActionID: 'none' });
    expect((await p.response('none')).get('Message')).toBe('No active conferences.');
    p.send('Command', { Command: 'meetme list', ActionID: 'c3' });
    expect((await p.response('c3')).all('Output')).toEqual(['No active MeetMe conferences.']);
  });
});

import { describe, expect, it, vi } from 'vitest';
import type { ProfileName } from '../src/simulator/index.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { simulatorHarness, type RawPeer } from './helpers/simulator-peer.js';

const h = simulatorHarness();
const loggedIn = (profile: ProfileName) => h.loggedIn({ profile });

const keys = (m: AmiMessage) => m.headers.map(([k]) => k);
const chanIs = (suffix: string) => (m: AmiMessage) => (m.get('Channel') ?? '').endsWith(suffix);
const originate = (p: RawPeer, dial: string, exten: string, actionId: string, extra: Record<string, string> = {}) =>
  p.send('Originate', { Channel: dial, Exten: exten, Context: 'default', Priority: '1', Async: 'true', CallerID: '"AMQ" <M1>', ActionID: actionId, ...extra });

describe('simulator: asterisk-11 profile', () => {
  it('uses the 1.8-11 event field sets and ChanVariable(<channel>)', async () => {
    const p = await loggedIn('asterisk-11');
    expect(p.messages[0]!.headers[0]![0]).toBe('Asterisk Call Manager/1.3');
    expect(keys(await p.event('FullyBooted'))).toEqual(['Event', 'Privilege', 'Status']);
    originate(p, 'Local/100@default', '300', 'o1', { Variable: 'AMIQ_ID=42' });
    const nc = await p.event('Newchannel', chanIs(';1'));
    const one = nc.get('Channel')!;
    expect(keys(nc)).toEqual([
      'Event',
      'Privilege',
      'Channel',
      'ChannelState',
      'ChannelStateDesc',
      'CallerIDNum',
      'CallerIDName',
      'AccountCode',
      'Exten',
      'Context',
      'Uniqueid',
      `ChanVariable(${one})`,
    ]);
    expect(nc.get('CallerIDNum')).toBe('');
    const up = await p.event('Newstate', (m) => chanIs(';1')(m) && m.get('ChannelStateDesc') === 'Up');
    expect(keys(up)).toEqual([
      'Event',
      'Privilege',
      'Channel',
      'ChannelState',
      'ChannelStateDesc',
      'CallerIDNum',
      'CallerIDName',
      'ConnectedLineNum',
      'ConnectedLineName',
      'Uniqueid',
      `ChanVariable(${one})`,
    ]);
    expect(up.get(`ChanVariable(${one})`)).toBe('AMIQ_ID=42');
    const resp = await p.event('OriginateResponse');
    expect(resp.get(`ChanVariable(${one})`)).toBe('AMIQ_ID=42');
    const hangup = await p.event('Hangup', chanIs(';1'));
    expect(keys(hangup)).toEqual([
      'Event',
      'Privilege',
      'Channel',
      'Uniqueid',
      'CallerIDNum',
      'CallerIDName',
      'ConnectedLineNum',
      'ConnectedLineName',
      'AccountCode',
      'Cause',
      'Cause-txt',
      `ChanVariable(${one})`,
    ]);
    const seen = new Set(p.messages.map((m) => m.eventName));
    for (const modern of ['DialBegin', 'DialEnd', 'NewConnectedLine', 'DeviceStateChange', 'BridgeCreate']) expect(seen.has(modern)).toBe(false);
    expect((await p.event('LocalBridge')).get('Channel1')).toBe(one);
  });

  it('fails with Uniqueid <null>, lists channels the 1.8 way, names E1 channels Zap/<c>-1', async () => {
    const p = await loggedIn('asterisk-11');
    originate(p, 'Local/400@default', '100', 'busy');
    expect((await p.event('OriginateResponse', (m) => m.get('ActionID') === 'busy')).get('Uniqueid')).toBe('<null>');
    originate(p, 'DAHDI/g1/2', '600', 'e1');
    expect((await p.event('OriginateResponse', (m) => m.get('ActionID') === 'e1')).get('Channel')).toBe('Zap/2-1');
    p.send('CoreShowChannels', { ActionID: 'c' });
    const item = await p.event('CoreShowChannel');
    expect(keys(item).slice(0, 4)).toEqual(['Event', 'ActionID', 'Channel', 'UniqueID']);
    expect(item.get('BridgedChannel')).toBe('');
    expect(keys(await p.event('CoreShowChannelsComplete'))).toEqual(['Event', 'EventList', 'ListItems', 'ActionID']);
    p.send('Status', { ActionID: 's' });
    expect((await p.response('s')).get('EventList')).toBeUndefined();
    const status = await p.event('Status');
    expect(keys(status).at(-1)).toBe('ActionID');
    expect(status.get('ChannelStateDesc')).toBe('Up');
  });

  it('raises the 10/11 ConfBridge and MeetMe events', async () => {
    const p = await loggedIn('asterisk-11');
    const c = h.sim.addConferenceMember({ kind: 'confbridge', room: '4000', callerIdNum: '555', callerIdName: 'Bob' });
    expect((await p.event('ConfbridgeJoin')).headers).toEqual([
      ['Event', 'ConfbridgeJoin'],
      ['Privilege', 'call,all'],
      ['Channel', c.name],
      ['Uniqueid', c.uniqueid],
      ['Conference', '4000'],
      ['CallerIDnum', '555'],
      ['CallerIDname', 'Bob'],
    ]);
    const m = h.sim.addMeetmeMember('5000');
    const join = await p.event('MeetmeJoin');
    expect(keys(join).slice(0, 6)).toEqual(['Event', 'Privilege', 'Channel', 'Uniqueid', 'Meetme', 'Usernum']);
    expect(join.get('Channel')).toBe(m.name);
    p.send('Command', { Command: 'meetme list 5000 concise', ActionID: 'l' });
    expect((await p.response('l')).body).toMatch(new RegExp(`^1!<unknown>!<no name>!${m.name.replace('/', '\\/')}!!!!!-1!\\d\\d:\\d\\d:\\d\\d\\n$`));
  });
});

describe('simulator: exten 800 (Dial to a phone)', () => {
  it('asterisk-11: the Local pair optimises away; the originated Uniqueid lives on under the phone name', async () => {
    const p = await loggedIn('asterisk-11');
    originate(p, 'Local/800@default', '600', 'm', { Variable: 'AMIQ_ID=9' });
    const resp = await p.event('OriginateResponse');
    const one = resp.get('Channel')!;
    const u1 = resp.get('Uniqueid')!;
    const zombie = await p.event('Hangup', (m) => (m.get('Channel') ?? '').endsWith('<ZOMBIE>'));
    const from = p.messages.findIndex((m) => m.eventName === 'Masquerade');
    const seq = p.messages.slice(from, p.messages.indexOf(zombie) + 1).map((m) => [m.eventName, m.get('Channel') ?? m.get('Bridgestate'), m.get('Newname')]);
    const phone = p.messages[from]!.get('Clone')!;
    expect(phone).toMatch(/^SIP\/phone800-[0-9a-f]{8}$/);
    expect(seq).toEqual([
      ['Masquerade', undefined, undefined],
      ['Rename', phone, `${phone}<MASQ>`],
      ['Rename', one, phone],
      ['Rename', `${phone}<MASQ>`, `${one}<ZOMBIE>`],
      ['NewCallerid', phone, undefined],
      ['Bridge', 'Unlink', undefined],
      ['HangupRequest', one.replace(/;1$/, ';2'), undefined],
      ['Hangup', `${one}<ZOMBIE>`, undefined],
    ]);
    const renamed = p.messages.find((m) => m.eventName === 'Rename' && m.get('Newname') === phone)!;
    expect(renamed.get('Uniqueid')).toBe(u1);
    expect(h.sim.channels().map((c) => [c.name, c.uniqueid, c.variables.AMIQ_ID])).toEqual([[phone, u1, '9']]);
    expect(h.sim.hangup(phone)).toBe(true);
    expect((await p.event('Hangup', (m) => m.get('Channel') === phone)).get('Uniqueid')).toBe(u1);
  });

  it('asterisk-22: the phone is bridged to ;2 (Dial*, Bridge*); hanging the phone up ends the call', async () => {
    const p = await h.loggedIn();
    originate(p, 'Local/800@default', '600', 'm');
    const begin = await p.event('DialBegin', (m) => m.get('Channel') !== undefined);
    const phone = begin.get('DestChannel')!;
    expect(phone).toMatch(/^PJSIP\/phone800-[0-9a-f]{8}$/);
    expect((await p.event('DialState')).get('DialStatus')).toBe('RINGING');
    expect((await p.event('OriginateResponse')).get('Response')).toBe('Success');
    const enter = await p.event('BridgeEnter', (m) => m.get('Channel') === phone);
    expect([enter.get('BridgeType'), enter.get('BridgeNumChannels')]).toEqual(['basic', '2']);
    expect(h.sim.channels().filter((c) => c.bridgeId === enter.get('BridgeUniqueid'))).toHaveLength(2);
    expect(h.sim.hangup(phone)).toBe(true);
    await p.event('BridgeDestroy');
    await p.event('Hangup', chanIs(';1'));
    expect(h.sim.channels()).toEqual([]);
  });
});

describe('simulator: asterisk-1.4 profile', () => {
  it('speaks AMI 1.0: Pong, comma Local halves, State fields, 12-field concise, no CoreShowChannels', async () => {
    const p = await loggedIn('asterisk-1.4');
    expect(p.messages[0]!.headers[0]![0]).toBe('Asterisk Call Manager/1.0');
    p.send('Ping', { ActionID: 'p' });
    expect((await p.response('p')).headers).toEqual([
      ['Response', 'Pong'],
      ['ActionID', 'p'],
    ]);
    originate(p, 'Local/600@default', '600', 'o');
    const nc = await p.event('Newchannel');
    expect(nc.get('Channel')).toMatch(/^Local\/600@default-[0-9a-f]{4},1$/);
    expect(keys(nc)).toEqual(['Event', 'Privilege', 'Channel', 'State', 'CallerIDNum', 'CallerIDName', 'Uniqueid']);
    expect(nc.get('CallerIDNum')).toBe('<unknown>');
    expect((await p.event('OriginateResponse')).get('CallerID')).toBe('M1');
    p.send('Command', { Command: 'show channels concise', ActionID: 'c' });
    const lines = (await p.response('c')).body!.trimEnd().split('\n');
    expect(lines.map((l) => l.split('!').length)).toEqual([12, 12]);
    expect(lines[0]!.split('!')[11]).toBe('(None)');
    p.send('CoreShowChannels', { ActionID: 'x' });
    expect((await p.response('x')).get('Message')).toBe('Invalid/unknown command');
  });

  it('lists MeetMe rooms with a bare `meetme`; `meetme list` without a room is its usage', async () => {
    const p = await loggedIn('asterisk-1.4');
    const m = h.sim.addMeetmeMember('5000');
    p.send('Command', { Command: 'meetme list', ActionID: 'u' });
    expect((await p.response('u')).body).toMatch(/^Usage: meetme /);
    p.send('Command', { Command: 'meetme', ActionID: 'r' });
    const rooms = (await p.response('r')).body!.split('\n');
    expect(rooms[0]).toMatch(/^Conf Num\s+Parties\s+Marked\s+Activity\s+Creation$/);
    expect(rooms[1]).toMatch(/^5000\s+0001\s/);
    p.send('Command', { Command: 'meetme list 5000 concise', ActionID: 'c' });
    expect((await p.response('c')).body!.split('!')).toHaveLength(9);
    p.send('Command', { Command: 'meetme kick 5000 1', ActionID: 'k' });
    expect((await p.response('k')).body).toBe('');
    await p.event('Hangup', (e) => e.get('Channel') === m.name);
  });
  it('takes 1023 bytes with the CRLF whole; of a longer line drops the first 1023 without a word and runs the rest', async () => {
    const p = await loggedIn('asterisk-1.4');
    const id = 'i'.repeat(1023 - 'ActionID: '.length - 2);
    p.socket.write(`Action: Ping\r\nActionID: ${id}\r\n\r\n`);
    expect((await p.response(id)).get('Response')).toBe('Pong');
    p.socket.write(`Action: Ping\r\nActionID: long\r\nX-Pad: ${'x'.repeat(1091)}\r\n\r\n`);
    expect((await p.response('long')).headers).toEqual([
      ['Response', 'Pong'],
      ['ActionID', 'long'],
    ]);
    // 1100 bytes less the 1023 thrown away: the tail arrives as a line of its own.
    expect(h.sim.actions.at(-1)!.headers.at(-1)).toEqual(['x'.repeat(75), '']);
    p.send('Ping', { ActionID: 'after' });
    expect((await p.response('after')).get('Response')).toBe('Pong');
    expect(p.messages.filter((m) => m.get('Response') === 'Error')).toEqual([]);
  });

  it('has no authtimeout: a session that never logs in stays open', async () => {
    // Only timers are faked (sockets stay real): ten times authTimeoutMs pass at once.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let p: RawPeer;
    try {
      await h.start({ profile: 'asterisk-1.4', authTimeoutMs: 100 });
      p = await h.peer();
      await p.waitFor((m) => m.kind === 'banner');
      vi.advanceTimersByTime(1000);
    } finally {
      vi.useRealTimers();
    }
    p.send('Ping', { ActionID: 'x' });
    expect((await p.response('x')).get('Message')).toBe('Authentication Required');
  });
});

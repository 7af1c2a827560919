import { describe, expect, it } from 'vitest';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { parseAll } from '../src/shared/ami/parser.js';
import { readCapture } from './helpers/ami-captures.js';
import { simulatorHarness, type RawPeer } from './helpers/simulator-peer.js';

const h = simulatorHarness();
const { loggedIn } = h;

const chanIs = (suffix: string) => (m: AmiMessage) => (m.get('Channel') ?? '').endsWith(suffix);

/** An async Originate that stays up (exten 600 both ways); resolves with the ;1 channel name. */
async function liveCall(p: RawPeer, id: string, dial = 'Local/600@default', exten = '600'): Promise<string> {
  p.send('Originate', { Channel: dial, Exten: exten, Context: 'default', Priority: '1', Async: 'true', CallerID: '"AMQ" <M1>', ActionID: id });
  const resp = await p.event('OriginateResponse', (m) => m.get('ActionID') === id);
  expect(resp.get('Response')).toBe('Success');
  return resp.get('Channel')!;
}

describe('simulator: Redirect and Hangup', () => {
  it('redirects a live channel and answers a missing one as captured', async () => {
    const p = await loggedIn();
    const one = await liveCall(p, 'r0');
    p.send('Redirect', { Channel: one, Context: 'amq-park', Exten: '700', Priority: '1', ActionID: 'r1' });
    const r1 = await p.response('r1');
    expect(r1.get('Message')).toBe('Redirect successful');
    p.cursor = p.messages.indexOf(r1);
    const ne = await p.event('Newexten', (m) => chanIs(';1')(m) && m.get('Application') === 'Wait');
    expect([ne.get('Context'), ne.get('Exten'), ne.get('AppData')]).toEqual(['amq-park', '700', '600']);
    expect(h.sim.channels().find((c) => c.name === one)).toMatchObject({ context: 'amq-park', exten: '700', state: 'Up' });
    p.send('Redirect', { Channel: 'Local/does-not-exist;1', Context: 'amq-park', Exten: '700', Priority: '1', ActionID: 'r3' });
    expect((await p.response('r3')).get('Message')).toBe('Channel does not exist: Local/does-not-exist;1');
    p.send('Redirect', { Channel: one, Exten: '700', Priority: '1', ActionID: 'r4' });
    expect((await p.response('r4')).get('Message')).toBe('Context not specified');
  });

  it('hangs up with the given Cause; a missing channel is No such channel', async () => {
    const p = await loggedIn();
    const one = await liveCall(p, 'h0');
    const two = one.replace(/;1$/, ';2');
    p.send('Hangup', { Channel: two, Cause: '16', ActionID: 'h1' });
    expect((await p.response('h1')).get('Message')).toBe('Channel Hungup');
    const order: string[] = [];
    const h1 = await p.event('Hangup', chanIs(';1'));
    for (const m of p.messages.slice(p.messages.findIndex((m) => m.get('ActionID') === 'h1'))) {
      if (m.kind === 'event') order.push(`${m.eventName} ${m.get('Channel')?.slice(-2)} ${m.get('Cause')}`);
    }
    expect(order.slice(0, 5)).toEqual(['SoftHangupRequest ;2 16', 'HangupRequest ;1 16', 'Hangup ;2 16', 'SoftHangupRequest ;1 16', 'Hangup ;1 16']);
    expect(h1.get('Cause-txt')).toBe('Normal Clearing');
    p.send('Hangup', { Channel: 'Local/does-not-exist;1', Cause: '16', ActionID: 'h2' });
    expect((await p.response('h2')).get('Message')).toBe('No such channel');
    p.send('Hangup', { ActionID: 'h3' });
    expect((await p.response('h3')).get('Message')).toBe('No channel specified');
  });

  it('a Hangup without Cause ends the call Normal Clearing, as Asterisk 22 does', async () => {
    const p = await loggedIn();
    const one = await liveCall(p, 'n0');
    p.send('Hangup', { Channel: one, ActionID: 'n1' });
    expect((await p.response('n1')).get('Message')).toBe('Channel Hungup');
    const h = await p.event('Hangup', chanIs(';1'));
    expect([h.get('Cause'), h.get('Cause-txt')]).toEqual(['16', 'Normal Clearing']);
  });

  it('answers a /regex/ Hangup as a list of the channels it hangs up', async () => {
    const p = await loggedIn();
    await liveCall(p, 'a');
    await liveCall(p, 'b');
    await liveCall(p, 'c', 'Local/300@default', '300');
    p.send('Hangup', { Channel: '/^Local\\/600@default-.*;2$/', Cause: '16', ActionID: 'h5' });
    const start = await p.response('h5');
    expect(start.headers).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'h5'],
      ['EventList', 'start'],
      ['Message', 'Channels hung up will follow'],
    ]);
    const items = [
      await p.event('ChannelHungup'),
      await p.waitFor((m) => m.eventName === 'ChannelHungup' && m !== p.messages.find((x) => x.eventName === 'ChannelHungup')),
    ];
    expect(items.map((m) => m.headers.map(([k]) => k))).toEqual([
      ['Event', 'Channel', 'ActionID'],
      ['Event', 'Channel', 'ActionID'],
    ]);
    const done = await p.event('ChannelsHungupListComplete');
    expect(done.headers).toEqual([
      ['Event', 'ChannelsHungupListComplete'],
      ['ActionID', 'h5'],
      ['EventList', 'Complete'],
      ['ListItems', '2'],
    ]);
    await p.waitFor(() => h.sim.channels().length === 2);
    expect(h.sim.channels().map((c) => c.name)).toEqual([expect.stringMatching(/^Local\/300@default-.*;1$/), expect.stringMatching(/;2$/)]);
  });

  it('the test API hangs a channel up and reports call-ended', async () => {
    const p = await loggedIn();
    const one = await liveCall(p, 'x');
    const ended: number[] = [];
    h.sim.on('call-ended', (c) => ended.push(c.cause));
    expect(h.sim.hangup(one, 17)).toBe(true);
    expect(h.sim.hangup('Local/none;1')).toBe(false);
    expect((await p.event('Hangup', chanIs(';1'))).get('Cause')).toBe('17');
    expect(ended).toEqual([17, 17]);
    expect(h.sim.channels()).toEqual([]);
  });
});

describe('simulator: channel listings', () => {
  it('CoreShowChannels: empty, then two live channels as in coreshowchannels-active', async () => {
    const p = await loggedIn({ channelVars: [] });
    p.send('CoreShowChannels', { ActionID: 'c1' });
    expect((await p.event('CoreShowChannelsComplete')).headers).toEqual([
      ['Event', 'CoreShowChannelsComplete'],
      ['ActionID', 'c1'],
      ['EventList', 'Complete'],
      ['ListItems', '0'],
    ]);
    const one = await liveCall(p, 'o');
    p.send('CoreShowChannels', { ActionID: 'c2' });
    expect((await p.response('c2')).get('Message')).toBe('Channels will follow');
    const item = await p.event('CoreShowChannel', (m) => m.get('ActionID') === 'c2');
    expect(item.headers.map(([k]) => k)).toEqual([
      'Event',
      'ActionID',
      'Channel',
      'ChannelState',
      'ChannelStateDesc',
      'CallerIDNum',
      'CallerIDName',
      'ConnectedLineNum',
      'ConnectedLineName',
      'Language',
      'AccountCode',
      'Context',
      'Exten',
      'Priority',
      'Uniqueid',
      'Linkedid',
      'Application',
      'ApplicationData',
      'Duration',
      'BridgeId',
    ]);
    expect([item.get('Channel'), item.get('ChannelStateDesc'), item.get('Application'), item.get('ApplicationData')]).toEqual([one, 'Up', 'Wait', '3600']);
    expect(item.get('Duration')).toMatch(/^\d\d:\d\d:\d\d$/);
    expect((await p.event('CoreShowChannelsComplete', (m) => m.get('ActionID') === 'c2')).get('ListItems')).toBe('2');
  });

  it('lists a DAHDI channel (DAHDI/g1/<c>) as Up, connected to the Originate target', async () => {
    const p = await loggedIn();
    const chan = await liveCall(p, 'd', 'DAHDI/g1/15', '600');
    expect(chan).toBe('DAHDI/15-1');
    p.send('CoreShowChannels', { ActionID: 'l' });
    const item = await p.event('CoreShowChannel', (m) => m.get('Channel') === 'DAHDI/15-1');
    expect([item.get('ChannelStateDesc'), item.get('Exten'), item.get('Application')]).toEqual(['Up', '600', 'Wait']);
    p.send('Originate', { Channel: 'DAHDI/15', Exten: '600', Context: 'default', Priority: '1', Async: 'true', ActionID: 'busy' });
    expect((await p.event('OriginateResponse', (m) => m.get('ActionID') === 'busy')).get('Reason')).toBe('5');
    expect(await liveCall(p, 'z', 'Zap/3', '600')).toBe('DAHDI/3-1');
  });

  it('Command core show channels concise: 14 fields in Output lines (22)', async () => {
    const p = await loggedIn({}, 'off');
    const one = await (async () => {
      p.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: '1', CallerID: '<M1>', ActionID: 's' });
      await p.response('s');
      return h.sim.channels()[0]!;
    })();
    p.send('Command', { Command: 'core show channels concise', ActionID: 'cmd1' });
    const res = await p.response('cmd1');
    expect(res.get('Message')).toBe('Command output follows');
    const lines = res.all('Output');
    expect(lines).toHaveLength(2);
    const f = lines[0]!.split('!');
    expect(f).toHaveLength(14);
    expect(f.slice(0, 9)).toEqual([one.name, 'default', '600', '2', 'Up', 'Wait', '3600', 'M1', '']);
    expect([f[10], f[12], f[13]]).toEqual(['3', '', one.uniqueid]);
    p.send('Command', { Command: 'core show nosuchthing', ActionID: 'cmd3' });
    const bad = await p.response('cmd3');
    expect(bad.headers).toEqual([
      ['Response', 'Error'],
      ['ActionID', 'cmd3'],
      ['Message', 'Command output follows'],
      ['Output', "No such command 'core show nosuchthing' (type 'core show help core show nosuchthing' for other possible commands)"],
    ]);
    p.send('Command', { Command: 'core show channels', ActionID: 'cmd2' });
    const table = (await p.response('cmd2')).all('Output');
    const captured = parseAll(readCapture('asterisk-22/command-core-show-channels.received.txt'));
    expect(table[0]).toBe(captured.find((m) => m.get('ActionID') === 'cmd2')!.all('Output')[0]);
    expect(table.slice(-3, -1)).toEqual(['2 active channels', '2 active calls']);
  });

  it('Command concise under asterisk-11: Response: Follows body, BridgedTo (None), --END COMMAND--', async () => {
    const p = await loggedIn({ profile: 'asterisk-11' }, 'off');
    expect(p.messages[0]!.headers[0]![0]).toBe('Asterisk Call Manager/1.3');
    p.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: '1', ActionID: 's' });
    await p.response('s');
    p.send('Command', { Command: 'core show channels concise', ActionID: 'cmd' });
    const res = await p.response('cmd');
    expect(res.headers).toEqual([
      ['Response', 'Follows'],
      ['Privilege', 'Command'],
      ['ActionID', 'cmd'],
    ]);
    const lines = res.body!.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const f = lines[0]!.split('!');
    expect(f).toHaveLength(14);
    expect([f[4], f[12], f[13]]).toEqual(['Up', '(None)', h.sim.channels()[0]!.uniqueid]);
    p.send('Command', { Command: 'core show nosuchthing', ActionID: 'bad' });
    expect((await p.response('bad')).body).toBe(
      "No such command 'core show nosuchthing' (type 'core show help core show nosuchthing' for other possible commands)\n",
    );
  });

  it('Status lists live channels (13+ layout, ActionID last); Setvar/Getvar reach channel variables', async () => {
    const p = await loggedIn();
    const one = await liveCall(p, 'o');
    p.send('Status', { Channel: one, Variables: 'AMIQ_ID', ActionID: 's' });
    expect((await p.response('s')).get('EventList')).toBe('start');
    const item = await p.event('Status');
    expect([item.get('Privilege'), item.get('Channel'), item.get('Variable')]).toEqual(['Call', one, 'AMIQ_ID=']);
    expect(item.headers.at(-1)).toEqual(['ActionID', 's']);
    const done = await p.event('StatusComplete');
    expect([done.get('ListItems'), done.get('Items')]).toEqual(['1', '1']);
    p.send('Status', { Channel: 'SIP/none-1', ActionID: 'x' });
    expect((await p.response('x')).get('Message')).toBe('No such channel');
    p.send('Setvar', { Channel: one, Variable: 'AMIQ_ID', Value: '7', ActionID: 'sv' });
    expect((await p.response('sv')).get('Message')).toBe('Variable Set');
    expect((await p.event('VarSet', (m) => m.get('Value') === '7')).get('ChanVariable')).toBe('AMIQ_ID=7');
    p.send('Getvar', { Channel: one, Variable: 'AMIQ_ID', ActionID: 'gv' });
    expect((await p.response('gv')).get('Value')).toBe('7');
  });
});

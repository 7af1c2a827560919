import { describe, expect, it } from 'vitest';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { serializeAction } from '../src/shared/ami/serializer.js';
import { AmiFrameError, AmiSerializeError, AmiTimeoutError } from '../src/shared/ami/errors.js';
import { scriptedPeerPerTest, type ScriptedAction } from './helpers/scripted-ami-server.js';
import { captureLogger, connectedClient, rejectionOf } from './helpers/ami-client-fixtures.js';
import { readCapture } from './helpers/ami-captures.js';

const peer = scriptedPeerPerTest();

describe('AmiClient actions (scripted peer)', () => {
  it('gives every action its own ActionID and resolves Success and Error replies alike', async () => {
    const client = await connectedClient(peer.server.port);
    const [pong, unknown] = await Promise.all([client.send('Ping'), client.send('NoSuchAction')]);
    expect(pong.get('Ping')).toBe('Pong');
    expect(unknown.get('Response')).toBe('Error');
    const ids = peer.server.actions.map((a) => a.actionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id?.startsWith(`amiq-${process.pid}-`))).toBe(true);
    expect(pong.get('ActionID')).toBe(peer.server.actions[1]!.actionId);
    expect(client.stats.actionsSent).toBe(2);
  });

  it('matches replies without ActionID (1.6 Ping and Events) first in, first out', async () => {
    peer.server.on('Ping', (a) => a.conn.send({ Response: 'Success', Ping: 'Pong', Seq: a.actionId ?? '' }));
    peer.server.on('Events', (a) => a.conn.send({ Response: 'Success', Events: 'Off', Seq: a.actionId ?? '' }));
    const client = await connectedClient(peer.server.port);
    const replies = await Promise.all([client.send('Ping'), client.send('Events', { EventMask: 'off' }), client.send('Ping')]);
    const sent = peer.server.actions.slice(1).map((a) => a.actionId);
    expect(replies.map((r) => r.get('Seq'))).toEqual(sent);
    expect(replies[1]!.get('Events')).toBe('Off');
  });

  it('lets a late reply without ActionID fall on the timed-out action, not on the next one', async () => {
    const held: ScriptedAction[] = [];
    peer.server.on('Ping', (a) => {
      held.push(a);
      if (held.length === 2) for (const h of held) h.conn.send({ Response: 'Success', Ping: 'Pong', Seq: h.actionId ?? '' });
    });
    const client = await connectedClient(peer.server.port);
    const err = await rejectionOf(client.send('Ping', [], { timeoutMs: 30 }));
    expect(err).toBeInstanceOf(AmiTimeoutError);
    const second = await client.send('Ping');
    expect(second.get('Seq')).toBe(held[1]!.actionId);
  });

  it('classifies by the first line: an OriginateResponse event with Response and ActionID resolves nothing', async () => {
    peer.server.on('Originate', (a) => {
      a.conn.send({ Event: 'OriginateResponse', Privilege: 'call,all', ActionID: a.actionId!, Response: 'Failure', Reason: '0' });
      a.conn.reply(a, 'Success', { Message: 'Originate successfully queued' });
    });
    const client = await connectedClient(peer.server.port);
    const events: AmiMessage[] = [];
    client.on('event', (e: AmiMessage) => events.push(e));
    const reply = await client.send('Originate', { Channel: 'Local/100@default', Exten: '300', Context: 'default', Priority: 1, Async: 'true' });
    expect(reply.get('Message')).toBe('Originate successfully queued');
    expect(events.map((m) => m.eventName)).toContain('OriginateResponse');
  });

  it('times out an unanswered action with context, and ignores its late reply (logged at debug)', async () => {
    const held: ScriptedAction[] = [];
    peer.server.on('Originate', (a) => held.push(a));
    const log = captureLogger();
    const client = await connectedClient(peer.server.port, { logger: log.logger });
    const err = await rejectionOf(client.send('Originate', { Channel: 'Local/100@default', Application: 'Echo' }, { timeoutMs: 30 }));
    expect(err).toBeInstanceOf(AmiTimeoutError);
    expect((err as AmiTimeoutError).context).toMatchObject({ action: 'Originate', actionId: held[0]!.actionId, written: true });
    held[0]!.conn.reply(held[0]!, 'Success', { Message: 'Originate successfully queued' });
    const pong = await client.send('Ping');
    expect(pong.get('Ping')).toBe('Pong');
    const late = log.lines.find((l) => l.actionId === held[0]!.actionId && String(l.msg).includes('no pending action'));
    expect(late?.level).toBe(20);
  });

  it('refuses injection attempts before a single byte is written', async () => {
    const client = await connectedClient(peer.server.port);
    const before = peer.server.bytesReceived;
    const attempts = [
      client.send('Originate', { Channel: 'Local/100@default\r\n\r\nAction: Hangup', Exten: '100' }),
      client.send('Originate', { 'Bad Key': 'x' }),
      client.send('Originate', { Channel: 'Local/100\0@default' }),
      client.send('Originate', { Variable: ['A=1', 'B=2\nAction: Logoff'] }),
      client.send('Ping', [], { actionId: 'x\r\nAction: Logoff' }),
      client.send('Ping\r\nAction: Logoff'),
      client.send('Originate', { Data: 'x'.repeat(1100) }),
    ];
    for (const p of attempts) expect(await rejectionOf(p)).toBeInstanceOf(AmiSerializeError);
    await client.send('Ping', [], { actionId: 'barrier' });
    expect(peer.server.actions.map((a) => a.name)).toEqual(['Login', 'Ping']);
    expect(peer.server.bytesReceived - before).toBe(Buffer.byteLength(serializeAction('Ping', [['ActionID', 'barrier']])));
    expect(client.stats.actionsSent).toBe(1);
  });

  it('refuses a second action with an ActionID still pending', async () => {
    peer.server.on('Originate', () => {});
    const client = await connectedClient(peer.server.port);
    const first = client.send('Originate', { Channel: 'Local/1@x' }, { actionId: 'dup', timeoutMs: 200 });
    const err = await rejectionOf(client.send('Originate', { Channel: 'Local/2@x' }, { actionId: 'dup' }));
    expect(err).toBeInstanceOf(AmiSerializeError);
    expect(await rejectionOf(first)).toBeInstanceOf(AmiTimeoutError);
    expect(peer.server.count('Originate')).toBe(1);
  });

  it('logs and skips malformed frames without dropping the connection', async () => {
    peer.server.on('Command', (a) => {
      a.conn.send({ Event: 'Huge', Data: 'x'.repeat(5_000) });
      a.conn.raw('this is not a header\r\n\r\n');
      a.conn.reply(a, 'Success', { Message: 'Command output follows', Output: 'ok' });
    });
    const client = await connectedClient(peer.server.port, { maxMessageBytes: 2_000 });
    const errors: Error[] = [];
    client.on('error', (e: Error) => errors.push(e));
    const { output } = await client.command('core show uptime');
    expect(output).toEqual(['ok']);
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof AmiFrameError)).toBe(true);
    expect(client.connected).toBe(true);
    expect(peer.server.connections).toHaveLength(1);
  });
});

describe('AmiClient lists and Command (scripted peer)', () => {
  it('collects an EventList list (regex Hangup from the capture) into one result', async () => {
    const captured = readCapture('asterisk-22/hangup-cause16.received.txt').toString('latin1');
    const start = captured.indexOf('Response: Success\r\nActionID: h5');
    const end = captured.indexOf('ListItems: 2\r\n\r\n', start) + 'ListItems: 2\r\n\r\n'.length;
    peer.server.on('Hangup', (a) => {
      a.conn.send({ Event: 'Newchannel', Privilege: 'call,all', Channel: 'Local/1;1' });
      a.conn.raw(captured.slice(start, end));
    });
    const client = await connectedClient(peer.server.port);
    await client.send('Ping'); // FullyBooted is in before its Pong
    const events: AmiMessage[] = [];
    client.on('event', (e: AmiMessage) => events.push(e));
    const result = await client.sendList('Hangup', { Channel: '/^Local\\/600@amq-test-.*;2$/', Cause: 16 }, { actionId: 'h5' });
    expect(result.response.get('EventList')).toBe('start');
    expect(result.events.map((e) => e.get('Channel'))).toEqual(['Local/600@amq-test-00000007;2', 'Local/600@amq-test-00000008;2']);
    expect(result.complete && result.complete.eventName).toBe('ChannelsHungupListComplete');
    expect(events.map((m) => m.eventName)).toEqual(['Newchannel']);
  });

  it('collects a legacy list without EventList up to <X>Complete carrying the ActionID', async () => {
    peer.server.on('Status', (a) => {
      const id = a.actionId!;
      a.conn.reply(a, 'Success', { Message: 'Channel status will follow' });
      a.conn.send({ Event: 'Status', Privilege: 'Call', Channel: 'SIP/a-1', State: 'Up', Uniqueid: '1.1', ActionID: id });
      a.conn.send({ Event: 'Hangup', Privilege: 'call,all', Channel: 'SIP/z-9' });
      a.conn.send({ Event: 'Status', Privilege: 'Call', Channel: 'SIP/b-2', State: 'Ring', Uniqueid: '1.2', ActionID: id });
      a.conn.send({ Event: 'StatusComplete', ActionID: id, Items: '2' });
    });
    const client = await connectedClient(peer.server.port);
    await client.send('Ping');
    const others: AmiMessage[] = [];
    client.on('event', (e: AmiMessage) => others.push(e));
    const result = await client.sendList('Status');
    expect(result.events.map((e) => e.get('Channel'))).toEqual(['SIP/a-1', 'SIP/b-2']);
    expect(result.complete!.get('Items')).toBe('2');
    expect(others.map((m) => m.eventName)).toEqual(['Hangup']);
  });

  it('resolves an Error instead of a list with no events', async () => {
    peer.server.on('ConfbridgeListRooms', (a) => a.conn.reply(a, 'Error', { Message: 'No active conferences.' }));
    const client = await connectedClient(peer.server.port);
    const result = await client.sendList('ConfbridgeListRooms');
    expect(result.response.get('Message')).toBe('No active conferences.');
    expect(result.events).toEqual([]);
  });

  it('reads Command output from a legacy Response: Follows body', async () => {
    peer.server.on('Command', (a) =>
      a.conn.raw(
        `Response: Follows\r\nPrivilege: Command\r\nActionID: ${a.actionId}\r\n` +
          'SIP/100-0001!default!200!1!Up!Dial!SIP/200!100!!!3!7!SIP/200-0002\n' +
          'Zap/15-1!default!s!1!Up!MeetMe!4000!!!3!12!(None)\n--END COMMAND--\r\n\r\n',
      ),
    );
    const client = await connectedClient(peer.server.port);
    const { response, output } = await client.command('core show channels concise');
    expect(response.get('Response')).toBe('Follows');
    expect(output).toEqual(['SIP/100-0001!default!200!1!Up!Dial!SIP/200!100!!!3!7!SIP/200-0002', 'Zap/15-1!default!s!1!Up!MeetMe!4000!!!3!12!(None)']);
  });

  it('reads Command output from 14+ Output headers, keeping leading blanks', async () => {
    peer.server.on('Command', (a) =>
      a.conn.send([
        ['Response', 'Success'],
        ['ActionID', a.actionId!],
        ['Message', 'Command output follows'],
        ['Output', 'Channel              Location'],
        ['Output', '  indented'],
        ['Output', '0 active channels'],
      ]),
    );
    const client = await connectedClient(peer.server.port);
    const { output } = await client.command('core show channels');
    expect(output).toEqual(['Channel              Location', '  indented', '0 active channels']);
    expect(peer.server.actions[1]!.headers).toContainEqual(['Command', 'core show channels']);
  });
});

describe('AmiClient events and backlog (scripted peer)', () => {
  it('delivers every event to listeners and bounds what a slow events() consumer holds', async () => {
    peer.server.on('UserEvent', (a) => {
      for (let i = 1; i <= 20; i++) a.conn.send({ Event: 'UserEvent', UserEvent: 'burst', N: String(i) });
      a.conn.reply(a, 'Success', { Message: 'Event Sent' });
    });
    const log = captureLogger();
    const client = await connectedClient(peer.server.port, { maxEventBacklog: 5, logger: log.logger });
    await client.send('Ping');
    const seen: string[] = [];
    client.on('event', (e: AmiMessage) => seen.push(e.get('N') ?? ''));
    const slow = client.events();
    await client.send('UserEvent', { UserEvent: 'burst' });
    expect(seen).toHaveLength(20);
    expect(client.stats.eventsDropped).toBe(15);
    const taken: string[] = [];
    for (let i = 0; i < 5; i++) taken.push(((await slow.next()).value as AmiMessage).get('N') ?? '');
    expect(taken).toEqual(['1', '2', '3', '4', '5']);
    expect(log.lines.filter((l) => String(l.msg).includes('backlog full'))).toHaveLength(1);
    expect(log.lines.some((l) => String(l.msg).includes('caught up') && l.dropped === 15)).toBe(true);
    const ended = slow.next();
    await client.stop();
    expect((await ended).done).toBe(true);
  });

  it('keeps reading when an event listener throws', async () => {
    peer.server.on('UserEvent', (a) => {
      a.conn.send({ Event: 'UserEvent', UserEvent: 'boom' });
      a.conn.reply(a, 'Success', { Message: 'Event Sent' });
    });
    const client = await connectedClient(peer.server.port);
    client.on('event', () => {
      throw new Error('listener bug');
    });
    const reply = await client.send('UserEvent', { UserEvent: 'boom' });
    expect(reply.get('Message')).toBe('Event Sent');
    expect((await client.send('Ping')).get('Ping')).toBe('Pong');
    expect(client.connected).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { listConfbridge } from '../src/meetme-cleaner/list-confbridge.js';
import { MeetmeLister } from '../src/meetme-cleaner/list-meetme.js';
import { ConferenceListError, classifyListResponse, parseSeconds } from '../src/meetme-cleaner/list-response.js';
import { ConferenceLister } from '../src/meetme-cleaner/lister.js';
import { parseMeetmeMembers, parseMeetmeRooms } from '../src/meetme-cleaner/meetme-cli.js';
import { parseAll } from '../src/shared/ami/parser.js';
import { readCapture } from './helpers/ami-captures.js';
import { captureReplies, event, response, ScriptedAmi } from './helpers/meetme-cleaner-fake-ami.js';

const ok = (message: string) => response('Success', message);

describe('ConfBridge listing', () => {
  it('reads the Asterisk 22 capture: room 4000 with both Local channels and their AnsweredTime', async () => {
    const replies = captureReplies('asterisk-22/confbridge-actions.received.txt');
    const ami = new ScriptedAmi();
    ami.lists.set('ConfbridgeListRooms', replies.get('cb1')!);
    ami.lists.set('ConfbridgeList 4000', replies.get('cb2')!);
    expect(await listConfbridge(ami)).toEqual({
      kind: 'confbridge',
      present: true,
      rooms: [
        {
          room: '4000',
          members: [
            { channel: 'Local/200@amq-test-0000000b;2', seconds: 1 },
            { channel: 'Local/200@amq-test-0000000c;2', seconds: 1 },
          ],
        },
      ],
    });
    expect(ami.calls).toEqual(['ConfbridgeListRooms', 'ConfbridgeList 4000']);
  });

  it('reads the Asterisk 10 documented items (no AnsweredTime) and skips a room that ended in between', async () => {
    const msgs = parseAll(readCapture('public/28-docs-confbridge-actions-list-listrooms-kick-ast10.txt').toString().replace(/\r?\n/g, '\r\n'));
    const item = msgs.find((m) => m.kind === 'event' && m.headers[0]![1] === 'ConfbridgeList')!;
    const rooms = msgs.find((m) => m.kind === 'event' && m.headers[0]![1] === 'ConfbridgeListRooms')!;
    const ami = new ScriptedAmi();
    ami.lists.set('ConfbridgeListRooms', {
      response: ok('Confbridge conferences will follow'),
      events: [rooms, event('ConfbridgeListRooms', { Conference: '2222' })],
    });
    ami.lists.set('ConfbridgeList 1111', { response: ok('Confbridge user list will follow'), events: [item] });
    ami.lists.set('ConfbridgeList 2222', { response: response('Error', 'No Conference by that name found.'), events: [] });
    expect(await listConfbridge(ami)).toEqual({
      kind: 'confbridge',
      present: true,
      rooms: [{ room: '1111', members: [{ channel: 'SIP/malcolm-00000000', seconds: undefined }] }],
    });
  });

  it('`No active conferences.` is present with no rooms; an unknown action is absent; other errors throw with context', async () => {
    const ami = new ScriptedAmi();
    ami.lists.set('ConfbridgeListRooms', { response: response('Error', 'No active conferences.'), events: [] });
    expect(await listConfbridge(ami)).toEqual({ kind: 'confbridge', present: true, rooms: [] });
    expect(await listConfbridge(new ScriptedAmi())).toEqual({ kind: 'confbridge', present: false });
    ami.lists.set('ConfbridgeListRooms', { response: response('Error', 'Permission denied'), events: [] });
    const err = await listConfbridge(ami).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConferenceListError);
    expect((err as ConferenceListError).context).toMatchObject({ action: 'ConfbridgeListRooms', message: 'Permission denied' });
  });
});

describe('MeetMe listing', () => {
  const item = (conf: string, user: string, channel: string) =>
    event('MeetmeList', { Conference: conf, UserNumber: user, CallerIDNum: '100', CallerIDName: '<no name>', Channel: channel, Admin: 'No' });

  it('11+: MeetmeListRooms then MeetmeList per room', async () => {
    const ami = new ScriptedAmi();
    ami.lists.set('MeetmeListRooms', {
      response: ok('Meetme conferences will follow'),
      events: [event('MeetmeListRooms', { Conference: '5000', Parties: '2' })],
    });
    ami.lists.set('MeetmeList 5000', { response: ok('Meetme user list will follow'), events: [item('5000', '1', 'DAHDI/1-1'), item('5000', '2', 'SIP/b-01')] });
    const lister = new MeetmeLister(ami);
    const expected = {
      kind: 'meetme',
      present: true,
      rooms: [
        {
          room: '5000',
          members: [
            { channel: 'DAHDI/1-1', user: '1' },
            { channel: 'SIP/b-01', user: '2' },
          ],
        },
      ],
    };
    expect(await lister.list()).toEqual(expected);
    expect(await lister.list()).toEqual(expected);
    expect(ami.calls).toEqual(['MeetmeListRooms', 'MeetmeList 5000', 'MeetmeListRooms', 'MeetmeList 5000']);
  });

  it('1.8 (no MeetmeListRooms): one MeetmeList of every room, the capture item included; remembered', async () => {
    const captured = parseAll(readCapture('public/26-meetmelist-event-ast1.8.txt').toString().replace(/\r?\n/g, '\r\n') + '\r\n')[0]!;
    const ami = new ScriptedAmi();
    ami.lists.set('MeetmeList', { response: ok('Meetme user list will follow'), events: [captured, item('5000', '4', 'SIP/c-02')] });
    const lister = new MeetmeLister(ami);
    await lister.list();
    expect(await lister.list()).toEqual({
      kind: 'meetme',
      present: true,
      rooms: [
        { room: '1234', members: [{ channel: 'SIP/195.62.226.18-0000000e', user: '1' }] },
        { room: '5000', members: [{ channel: 'SIP/c-02', user: '4' }] },
      ],
    });
    expect(ami.calls).toEqual(['MeetmeListRooms', 'MeetmeList', 'MeetmeList']);
  });

  it('1.4: the CLI, `meetme list` answered with usage falls back to `meetme`, members from the concise list', async () => {
    const ami = new ScriptedAmi();
    ami.commands.set('meetme list', ['Usage: meetme (un)lock|(un)mute|kick|list [concise] <confno> <usernum>']);
    ami.commands.set('meetme', [
      'Conf Num       Parties        Marked     Activity  Creation',
      '5000         0002      N/A        00:01:05  Static',
      '* Total number of MeetMe users: 2',
    ]);
    ami.commands.set('meetme list 5000 concise', ['1!100!Alice!Zap/1-1!!!!-1!00:01:05', '2!<unknown>!<no name>!SIP/b-0001!1!!!0!00:00:07']);
    const lister = new MeetmeLister(ami);
    const listing = await lister.list();
    expect(listing).toEqual({
      kind: 'meetme',
      present: true,
      rooms: [
        {
          room: '5000',
          members: [
            { channel: 'Zap/1-1', user: '1', seconds: 65 },
            { channel: 'SIP/b-0001', user: '2', seconds: 7 },
          ],
        },
      ],
    });
    await lister.list();
    expect(ami.calls.filter((c) => c === 'Command meetme list')).toHaveLength(1);
    expect(ami.calls.filter((c) => c === 'Command meetme')).toHaveLength(2);
  });

  it('no MeetMe at all: absent, and not asked again until forget()', async () => {
    const ami = new ScriptedAmi();
    const lister = new MeetmeLister(ami);
    expect(await lister.list()).toEqual({ kind: 'meetme', present: false });
    expect(ami.calls).toEqual(['MeetmeListRooms', 'MeetmeList', 'Command meetme list']);
    expect(await lister.list()).toEqual({ kind: 'meetme', present: false });
    expect(ami.calls).toHaveLength(3);
    lister.forget();
    await lister.list();
    expect(ami.calls).toHaveLength(6);
  });

  it('a refused Command (permission) throws instead of calling MeetMe absent', async () => {
    const ami = new ScriptedAmi();
    ami.commands.set('meetme list', response('Error', 'Permission denied'));
    await expect(new MeetmeLister(ami).list()).rejects.toThrow(/Command "meetme list" refused: Permission denied/);
  });
});

describe('ConferenceLister', () => {
  it('remembers that ConfBridge is absent, forgets on request', async () => {
    const ami = new ScriptedAmi();
    const lister = new ConferenceLister(ami);
    expect(await lister.list('confbridge')).toEqual({ kind: 'confbridge', present: false });
    expect(await lister.list('confbridge')).toEqual({ kind: 'confbridge', present: false });
    expect(ami.calls).toEqual(['ConfbridgeListRooms']);
    lister.forget();
    await lister.list('confbridge');
    expect(ami.calls).toEqual(['ConfbridgeListRooms', 'ConfbridgeListRooms']);
  });
});

describe('CLI parsers', () => {
  it('parseMeetmeRooms: table and concise rooms; headers, totals and "none" lines skipped', () => {
    expect(parseMeetmeRooms(['No active MeetMe conferences.'])).toEqual([]);
    expect(
      parseMeetmeRooms([
        'Conf Num       Parties        Marked     Activity  Creation  Locked',
        '5000         0001      N/A        00:00:12  Static    No',
        '6001         0003      0001       01:02:03  Dynamic   No',
        '* Total number of MeetMe users: 4',
      ]),
    ).toEqual(['5000', '6001']);
    expect(parseMeetmeRooms(['5000!1!0!00:00:12!0!0', '7000!2!0!00:10:00!1!0'])).toEqual(['5000', '7000']);
  });

  it('parseMeetmeMembers: 1.4 (9 fields) and 1.6+ (10 fields), a `!` in the name, junk skipped', () => {
    expect(
      parseMeetmeMembers([
        '1!100!Alice!SIP/a-1!1!!!-1!00:00:10',
        '2!200!Bob!DAHDI/2-1!!!!!0!01:00:00',
        '3!300!A!B!Local/5@x-1;2!!!!!1!00:00:03',
        'User #: 01  100 Alice Channel: SIP/a-1',
        '',
      ]),
    ).toEqual([
      { channel: 'SIP/a-1', user: '1', seconds: 10 },
      { channel: 'DAHDI/2-1', user: '2', seconds: 3600 },
      { channel: 'Local/5@x-1;2', user: '3', seconds: 3 },
    ]);
  });

  it('classifyListResponse and parseSeconds', () => {
    expect(classifyListResponse('X', ok('will follow'))).toBe('items');
    expect(classifyListResponse('X', response('Error', 'No active conferences.'))).toBe('none');
    expect(classifyListResponse('X', response('Error', 'Invalid/unknown command'))).toBe('unsupported');
    expect(parseSeconds('12')).toBe(12);
    expect(parseSeconds('100:00:01')).toBe(360001);
    expect(parseSeconds('N/A')).toBeUndefined();
    expect(parseSeconds(undefined)).toBeUndefined();
  });
});

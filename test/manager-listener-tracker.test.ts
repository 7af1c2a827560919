import { describe, expect, it } from 'vitest';
import { CallTracker } from '../src/manager-listener/call-tracker.js';
import type { CallUpdate, RowSnapshot } from '../src/manager-listener/call-update.js';
import { AmiMessage } from '../src/shared/ami/message.js';

// The pure tracker with hand-written events for what the captures do not show.
const ev = (name: string, headers: Record<string, string> | Array<[string, string]>): AmiMessage =>
  new AmiMessage('event', [['Event', name], ...(Array.isArray(headers) ? headers : Object.entries(headers))]);

const rowOf = (id: number, over: Partial<RowSnapshot> = {}): RowSnapshot => ({
  id,
  uniqueid: null,
  call_channel: null,
  linkedid: null,
  call_state: null,
  answered_at: null,
  call_reason: null,
  action_id: null,
  ...over,
});

/** Feed events as the worker does, answering lookups from `rows` (key → row). Returns the merged updates. */
function feed(tracker: CallTracker, events: AmiMessage[], rows: Record<string, RowSnapshot> = {}, now = 1_000): CallUpdate[] {
  for (const msg of events) {
    const e = tracker.read(msg);
    for (const key of tracker.lookups(e, now)) tracker.learn(key, rows[key], now);
    tracker.handle(e, now);
  }
  return tracker.drain();
}

describe('CallTracker', () => {
  it('≤11 masquerade of the tracked channel (it is the clone): the call moves to the Uniqueid that takes its name; the <ZOMBIE> hangup is not its end', () => {
    const t = new CallTracker();
    const bound = feed(
      t,
      [
        ev('Newchannel', [
          ['Channel', 'SIP/100-00000001'],
          ['ChannelState', '0'],
          ['Uniqueid', '1.1'],
          ['ChanVariable(SIP/100-00000001)', 'AMIQ_ID=7'],
        ]),
      ],
      { 'i:7': rowOf(7) },
    );
    expect(bound).toEqual([{ id: 7, uniqueid: '1.1', call_channel: 'SIP/100-00000001', call_state: 'DIALING' }]);
    const moved = feed(t, [
      ev('Masquerade', { Clone: 'SIP/100-00000001', CloneState: 'Up', Original: 'Local/9@x-00000001;1', OriginalState: 'Up' }),
      ev('Rename', { Channel: 'SIP/100-00000001', Newname: 'SIP/100-00000001<MASQ>', Uniqueid: '1.1' }),
      ev('Rename', { Channel: 'Local/9@x-00000001;1', Newname: 'SIP/100-00000001', Uniqueid: '1.5' }),
      ev('Rename', { Channel: 'SIP/100-00000001<MASQ>', Newname: 'Local/9@x-00000001;1<ZOMBIE>', Uniqueid: '1.1' }),
      ev('Hangup', { Channel: 'Local/9@x-00000001;1<ZOMBIE>', Uniqueid: '1.1', Cause: '16', 'Cause-txt': 'Normal Clearing' }),
      ev('Newstate', { Channel: 'SIP/100-00000001', ChannelState: '6', ChannelStateDesc: 'Up', Uniqueid: '1.5' }),
    ]);
    expect(moved).toEqual([{ id: 7, uniqueid: '1.5', call_channel: 'SIP/100-00000001', call_state: 'UP', answered_at: expect.any(String) }]);
    const ended = feed(t, [ev('Hangup', { Channel: 'SIP/100-00000001', Uniqueid: '1.5', Cause: '16', 'Cause-txt': 'Normal Clearing' })]);
    expect(ended).toEqual([{ id: 7, call_state: 'ENDED', ended_at: expect.any(String), hangup_cause: 16, hangup_cause_txt: 'Normal Clearing' }]);
    expect(t.size).toBe(0);
  });

  it('1.4 spellings: Newcallerid with CallerID, State text, `,1`/`,2` Local halves', () => {
    const t = new CallTracker();
    const rows = { 'c:M1': rowOf(3) };
    const out = feed(
      t,
      [
        ev('Newchannel', { Channel: 'Local/100@default-a1b2,1', State: 'Down', CallerIDNum: '<unknown>', CallerIDName: '<unknown>', Uniqueid: '9.1' }),
        ev('Newcallerid', { Channel: 'Local/100@default-a1b2,1', CallerID: 'M1', CallerIDName: '<Unknown>', Uniqueid: '9.1' }),
        ev('Newcallerid', { Channel: 'Local/100@default-a1b2,2', CallerID: 'M1', CallerIDName: '<Unknown>', Uniqueid: '9.2' }),
        ev('Newstate', { Channel: 'Local/100@default-a1b2,1', State: 'Ringing', CallerID: 'M1', Uniqueid: '9.1' }),
        ev('Hangup', { Channel: 'Local/100@default-a1b2,2', Uniqueid: '9.2', Cause: '21', 'Cause-txt': 'Call Rejected' }),
        ev('Hangup', { Channel: 'Local/100@default-a1b2,1', Uniqueid: '9.1', Cause: '0', 'Cause-txt': 'Unknown' }),
      ],
      rows,
    );
    expect(out).toEqual([
      {
        id: 3,
        uniqueid: '9.1',
        call_channel: 'Local/100@default-a1b2,1',
        call_state: 'ENDED',
        ended_at: expect.any(String),
        hangup_cause: 21,
        hangup_cause_txt: 'Call Rejected',
      },
    ]);
  });

  it('AMIQ_ID in DestChanVariable (DialBegin) and LocalOneChanVariable (LocalBridge) binds the dialled ;1, never the ;2', () => {
    const t = new CallTracker();
    const out = feed(
      t,
      [
        ev('LocalBridge', [
          ['LocalOneChannel', 'Local/1@d-00000009;1'],
          ['LocalOneUniqueid', '5.0'],
          ['LocalOneLinkedid', '5.0'],
          ['LocalOneChanVariable', 'AMIQ_ID=11'],
          ['LocalTwoChannel', 'Local/1@d-00000009;2'],
          ['LocalTwoUniqueid', '5.1'],
          ['LocalTwoChanVariable', 'AMIQ_ID=11'],
        ]),
        ev('DialState', [
          ['DestChannel', 'Local/1@d-00000009;1'],
          ['DestUniqueid', '5.0'],
          ['DestChanVariable', 'AMIQ_ID=11'],
          ['DialStatus', 'RINGING'],
        ]),
      ],
      { 'i:11': rowOf(11) },
    );
    expect(out).toEqual([{ id: 11, uniqueid: '5.0', call_channel: 'Local/1@d-00000009;1', linkedid: '5.0', call_state: 'RINGING' }]);
  });

  it('late and out-of-order events never move a call back; an unanswered call that hung up before its OriginateResponse Failure ends FAILED', () => {
    const t = new CallTracker();
    const rows = { 'c:M2': rowOf(4, { call_state: null }), 'a:amiq-4-x': rowOf(4) };
    feed(t, [ev('NewCallerid', { Channel: 'SIP/a-1', ChannelState: '5', CallerIDNum: 'M2', Uniqueid: '2.0' })], rows);
    const ended = feed(t, [ev('Hangup', { Channel: 'SIP/a-1', ChannelState: '5', Uniqueid: '2.0', Cause: '19', 'Cause-txt': 'No answer' })], rows);
    expect(ended[0]).toMatchObject({ call_state: 'ENDED', hangup_cause: 19 });
    // Late events of the ended channel: nothing (the row is finished here).
    expect(
      feed(t, [ev('Newstate', { Channel: 'SIP/a-1', ChannelState: '6', CallerIDNum: 'M2', Uniqueid: '2.0' })], {
        ...rows,
        'u:2.0': rowOf(4, { uniqueid: '2.0', call_state: 'UP' }),
      }),
    ).toEqual([]);
    const failed = feed(t, [ev('OriginateResponse', { ActionID: 'amiq-4-x', Response: 'Failure', Channel: 'SIP/a', Reason: '3', Uniqueid: '<null>' })], {
      'a:amiq-4-x': rowOf(4, { uniqueid: '2.0', call_state: 'ENDED' }),
    });
    expect(failed).toEqual([{ id: 4, call_reason: 3, call_state: 'FAILED' }]);
  });

  it('a channel that shows up after its OriginateResponse Failure is bound by AMIQ_ID, in memory or (once let go) from its row', () => {
    const busy = (uid: string, n: number): AmiMessage[] => [
      ev('VarSet', [
        ['Channel', `Local/400@d-0000000${n};1`],
        ['Uniqueid', uid],
        ['Linkedid', uid],
        ['ChanVariable', `AMIQ_ID=${n}`],
        ['Variable', 'AMIQ_ID'],
        ['Value', `${n}`],
      ]),
      ev('Hangup', [
        ['Channel', `Local/400@d-0000000${n};2`],
        ['Uniqueid', `${uid}1`],
        ['Cause', '17'],
        ['Cause-txt', 'User busy'],
      ]),
      ev('Hangup', [
        ['Channel', `Local/400@d-0000000${n};1`],
        ['Uniqueid', uid],
        ['Cause', '0'],
        ['Cause-txt', 'Unknown'],
      ]),
    ];
    const failure = (n: number): AmiMessage =>
      ev('OriginateResponse', { ActionID: `amiq-${n}`, Response: 'Failure', Channel: 'Local/400@d', Reason: '5', Uniqueid: '<unknown>' });
    const t = new CallTracker({ endGraceMs: 5_000 });
    expect(feed(t, [failure(1)], { 'a:amiq-1': rowOf(1, { action_id: 'amiq-1' }) })).toEqual([
      { id: 1, call_reason: 5, call_state: 'FAILED', ended_at: expect.any(String) },
    ]);
    // In memory: no lookup needed for its AMIQ_ID.
    expect(t.lookups(t.read(busy('7.1', 1)[0]!), 1_000)).toEqual([]);
    expect(feed(t, busy('7.1', 1))).toEqual([
      {
        id: 1,
        uniqueid: '7.1',
        call_channel: 'Local/400@d-00000001;1',
        linkedid: '7.1',
        ended_at: expect.any(String),
        hangup_cause: 17,
        hangup_cause_txt: 'User busy',
      },
    ]);
    expect(t.size).toBe(0);
    // Let go by the sweep before its channel came: the row (FAILED, no Uniqueid) still takes it.
    feed(t, [failure(2)], { 'a:amiq-2': rowOf(2, { action_id: 'amiq-2' }) });
    t.sweep(10_000);
    expect(t.size).toBe(0);
    const late = feed(t, busy('8.1', 2), { 'i:2': rowOf(2, { action_id: 'amiq-2', call_state: 'FAILED', call_reason: 5 }) }, 11_000);
    expect(late).toEqual([
      {
        id: 2,
        uniqueid: '8.1',
        call_channel: 'Local/400@d-00000002;1',
        linkedid: '8.1',
        ended_at: expect.any(String),
        hangup_cause: 17,
        hangup_cause_txt: 'User busy',
      },
    ]);
    // A row that ended with a channel of its own is never taken by another.
    const other = [
      ev('Newchannel', [
        ['Channel', 'SIP/x-1'],
        ['Uniqueid', '9.9'],
        ['ChanVariable', 'AMIQ_ID=3'],
      ]),
    ];
    expect(feed(t, other, { 'i:3': rowOf(3, { uniqueid: '3.3', call_state: 'FAILED' }) }, 12_000)).toEqual([]);
  });

  it('a Local ;1 that hangs up with 0 waits for its ;2 (the real cause) at most endGraceMs; a non-Local channel does not wait', () => {
    const t = new CallTracker({ endGraceMs: 5_000 });
    const rows = { 'i:1': rowOf(1), 'i:2': rowOf(2) };
    feed(
      t,
      [
        ev('Newchannel', [
          ['Channel', 'Local/5@d-00000001;1'],
          ['Uniqueid', '1.1'],
          ['ChanVariable', 'AMIQ_ID=1'],
        ]),
        ev('Newchannel', [
          ['Channel', 'SIP/p-2'],
          ['Uniqueid', '2.2'],
          ['ChanVariable', 'AMIQ_ID=2'],
        ]),
      ],
      rows,
    );
    const hung = feed(t, [
      ev('Hangup', { Channel: 'Local/5@d-00000001;1', Uniqueid: '1.1', Cause: '0', 'Cause-txt': 'Unknown' }),
      ev('Hangup', { Channel: 'SIP/p-2', Uniqueid: '2.2', Cause: '0', 'Cause-txt': 'Unknown' }),
    ]);
    expect(hung).toEqual([
      { id: 1, call_state: 'ENDED', ended_at: expect.any(String), hangup_cause: 0, hangup_cause_txt: 'Unknown' },
      { id: 2, call_state: 'ENDED', ended_at: expect.any(String), hangup_cause: 0, hangup_cause_txt: 'Unknown' },
    ]);
    expect(t.size).toBe(1);
    expect(t.liveCalls()).toEqual([]);
    t.sweep(7_000);
    expect(t.size).toBe(0);
    expect(feed(t, [ev('Hangup', { Channel: 'Local/5@d-00000001;2', Uniqueid: '1.2', Cause: '17', 'Cause-txt': 'User busy' })], {}, 8_000)).toEqual([]);
  });

  it('a ;2 that hung up before its ;1 was bound lends its cause when the ;1 binds, unless it belongs to another call of that name (Linkedid) or is old', () => {
    const t = new CallTracker({ endGraceMs: 5_000 });
    const half2 = (linkedid: string, n: number): AmiMessage =>
      ev('Hangup', [
        ['Channel', `Local/4@d-0000000${n};2`],
        ['Uniqueid', `2${n}.2`],
        ['Linkedid', linkedid],
        ['Cause', '17'],
        ['Cause-txt', 'User busy'],
      ]);
    const call = (uid: string, n: number): AmiMessage[] => [
      ev('VarSet', [
        ['Channel', `Local/4@d-0000000${n};1`],
        ['Uniqueid', uid],
        ['Linkedid', uid],
        ['Variable', 'AMIQ_ID'],
        ['Value', `${n}`],
      ]),
      ev('Hangup', [
        ['Channel', `Local/4@d-0000000${n};1`],
        ['Uniqueid', uid],
        ['Linkedid', uid],
        ['Cause', '0'],
        ['Cause-txt', 'Unknown'],
      ]),
    ];
    const rows = { 'i:1': rowOf(1), 'i:2': rowOf(2), 'i:3': rowOf(3) };
    expect(feed(t, [half2('1.1', 1), ...call('1.1', 1)], rows)).toEqual([
      expect.objectContaining({ id: 1, uniqueid: '1.1', hangup_cause: 17, hangup_cause_txt: 'User busy' }),
    ]);
    expect(t.size).toBe(0);
    // Another call's ;2 by that name (Asterisk restarted): the ;1 hangs up with 0 and waits for its own.
    expect(feed(t, [half2('old.1', 2), ...call('2.1', 2)], rows)).toEqual([expect.objectContaining({ id: 2, uniqueid: '2.1', hangup_cause: 0 })]);
    expect(t.size).toBe(1);
    feed(t, [half2('3.1', 3)], rows, 1_000);
    expect(feed(t, call('3.1', 3), rows, 9_000)).toEqual([expect.objectContaining({ id: 3, hangup_cause: 0 })]);
  });

  it('a row ended at resync says why its cause is unknown', () => {
    const t = new CallTracker();
    t.seed(rowOf(6, { uniqueid: '6.6', call_channel: 'SIP/z-6', call_state: 'UP', answered_at: 'T' }), 0);
    t.settleGone(6, 10);
    t.settleGone(9, 10);
    expect(t.drain()).toEqual([
      { id: 6, call_state: 'ENDED', ended_at: expect.any(String), hangup_cause_txt: 'Unknown (channel gone at resync)' },
      { id: 9, call_state: 'ENDED', ended_at: expect.any(String), hangup_cause_txt: 'Unknown (channel gone at resync)' },
    ]);
  });

  it('an OriginateResponse whose ActionID finds no row falls back to the AMIQ_ID it names (SPEC §4 order)', () => {
    const t = new CallTracker();
    const e = t.read(
      ev('OriginateResponse', [
        ['ActionID', 'other-1'],
        ['Response', 'Success'],
        ['Channel', 'Local/1@d-00000001;1'],
        ['Reason', '4'],
        ['Uniqueid', '4.4'],
        ['ChanVariable(Local/1@d-00000001;1)', 'AMIQ_ID=5'],
      ]),
    );
    expect(t.lookups(e, 0)).toEqual(['a:other-1', 'i:5']);
    t.learn('a:other-1', undefined, 0);
    t.learn('i:5', rowOf(5), 0);
    expect(t.handle(e, 0)).toBe(5);
    expect(t.drain()).toEqual([
      { id: 5, uniqueid: '4.4', call_channel: 'Local/1@d-00000001;1', call_reason: 4, call_state: 'UP', answered_at: expect.any(String) },
    ]);
  });

  it('OriginateResponse (ActionID) takes the row from a channel it was bound to by callerid only', () => {
    const t = new CallTracker();
    feed(t, [ev('Newchannel', { Channel: 'SIP/b-2', ChannelState: '0', CallerIDNum: 'M5', Uniqueid: '3.9' })], { 'c:M5': rowOf(5) });
    const out = feed(t, [ev('OriginateResponse', { ActionID: 'amiq-5-y', Response: 'Success', Channel: 'SIP/a-1', Reason: '4', Uniqueid: '3.1' })], {
      'a:amiq-5-y': rowOf(5, { uniqueid: '3.9', call_state: 'DIALING' }),
    });
    expect(out).toEqual([{ id: 5, uniqueid: '3.1', call_channel: 'SIP/a-1', call_reason: 4, call_state: 'UP', answered_at: expect.any(String) }]);
    expect(feed(t, [ev('Hangup', { Channel: 'SIP/b-2', Uniqueid: '3.9', Cause: '16' })])).toEqual([]);
  });

  it('events of unknown channels are looked up once per key, then cost nothing', () => {
    const t = new CallTracker();
    const e = t.read(ev('Newstate', { Channel: 'SIP/x-1', ChannelState: '6', CallerIDNum: '555', CallerIDName: 'Bob', Uniqueid: '8.8' }));
    const keys = t.lookups(e, 0);
    // No 'u:' key: a row bound to a Uniqueid is in memory unless the tracker forgot it (below).
    expect(keys).toEqual(['c:Bob', 'c:555']);
    for (const k of keys) t.learn(k, undefined, 0);
    expect(t.handle(e, 0)).toBeUndefined();
    expect(t.lookups(t.read(ev('Hangup', { Channel: 'SIP/x-1', Uniqueid: '8.8', CallerIDNum: '555', CallerIDName: 'Bob', Cause: '16' })), 10)).toEqual([]);
    expect(t.drain()).toEqual([]);
  });

  it('a live call evicted by the cap is found again by its Uniqueid', () => {
    const t = new CallTracker({ maxCalls: 1 });
    const rows: Record<string, RowSnapshot> = { 'i:1': rowOf(1), 'i:2': rowOf(2) };
    for (const i of [1, 2])
      feed(
        t,
        [
          ev('Newchannel', [
            ['Channel', `SIP/n-${i}`],
            ['ChannelState', '0'],
            ['Uniqueid', `u.${i}`],
            ['ChanVariable', `AMIQ_ID=${i}`],
          ]),
        ],
        rows,
      );
    expect(t.size).toBe(1);
    const hangup = t.read(ev('Hangup', { Channel: 'SIP/n-1', Uniqueid: 'u.1', Cause: '16' }));
    expect(t.lookups(hangup, 10)).toEqual(['u:u.1']);
    const out = feed(
      t,
      [ev('Hangup', { Channel: 'SIP/n-1', Uniqueid: 'u.1', Cause: '16' })],
      { 'u:u.1': rowOf(1, { uniqueid: 'u.1', call_state: 'DIALING' }) },
      10,
    );
    expect(out).toEqual([expect.objectContaining({ id: 1, call_state: 'ENDED', hangup_cause: 16 })]);
  });

  it('memory is bounded: ended calls are released, a cap evicts the oldest, silent calls age out', () => {
    const t = new CallTracker({ maxCalls: 2, maxAgeMs: 1_000 });
    const rows: Record<string, RowSnapshot> = {};
    for (let i = 1; i <= 3; i++) rows[`i:${i}`] = rowOf(i);
    const open = (i: number, now: number): void =>
      void feed(
        t,
        [
          ev('Newchannel', [
            ['Channel', `SIP/n-${i}`],
            ['ChannelState', '0'],
            ['Uniqueid', `u.${i}`],
            ['ChanVariable', `AMIQ_ID=${i}`],
          ]),
        ],
        rows,
        now,
      );
    open(1, 0);
    open(2, 0);
    open(3, 500);
    expect(t.size).toBe(2);
    t.sweep(1_200);
    expect(t.size).toBe(1);
    feed(t, [ev('Hangup', { Channel: 'SIP/n-3', Uniqueid: 'u.3', Cause: '16' })], {}, 1_300);
    expect(t.size).toBe(0);
  });
});

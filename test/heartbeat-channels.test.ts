import { describe, expect, it } from 'vitest';
import { parseAll } from '../src/shared/ami/parser.js';
import { commandOutput } from '../src/shared/ami/command-output.js';
import { AmiMessage } from '../src/shared/ami/message.js';
import { e1ChannelNumber } from '../src/heartbeat/channel-name.js';
import { countedStates, stateText } from '../src/heartbeat/channel-states.js';
import { channelChange, listedFromConcise, listedFromCoreShowChannels } from '../src/heartbeat/channel-events.js';
import { ChannelMap } from '../src/heartbeat/channel-map.js';
import { e1Mask } from '../src/heartbeat/frame-source.js';
import { readCapture } from './helpers/ami-captures.js';

const ev = (...headers: [string, string][]): AmiMessage => new AmiMessage('event', headers);
const upOnly = countedStates(['Up']);
const newMap = (span = 1, counted = upOnly): ChannelMap => new ChannelMap((chs) => e1Mask(chs, span, counted));
const lines = (name: string): string[] => readCapture(name).toString('utf8').split('\n');

describe('E1 channel names', () => {
  it('reads Zap/<c>-<n> and DAHDI/<c>-<n> with any call number', () => {
    expect(e1ChannelNumber('Zap/15-1')).toBe(15);
    expect(e1ChannelNumber('DAHDI/1-1')).toBe(1);
    expect(e1ChannelNumber('DAHDI/31-12345')).toBe(31);
    expect(e1ChannelNumber('dahdi/47-2')).toBe(47); // lowercased capture code (public/35)
  });

  it('refuses other names, masquerade leftovers and number-style ISDN names', () => {
    for (const name of ['SIP/15-1', 'DAHDI/pseudo-1', 'DAHDI/i1/5551234-1', 'DAHDI/1-1<ZOMBIE>', 'Zap/1-1<MASQ>', 'DAHDI/1', 'DAHDI/0-1', 'Local/15-1@x;1']) {
      expect(e1ChannelNumber(name), name).toBeNull();
    }
  });
});

describe('channel states', () => {
  it('takes the text, else the number', () => {
    expect(stateText('Up', '6')).toBe('Up');
    expect(stateText(undefined, '6')).toBe('Up');
    expect(stateText('', '4')).toBe('Ring');
    expect(stateText(undefined, '42')).toBe('Unknown (42)');
    expect(stateText(undefined, undefined)).toBeUndefined();
  });

  it('counts the configured states, case-insensitively', () => {
    expect(upOnly('Up')).toBe(true);
    expect(upOnly('up')).toBe(true);
    expect(upOnly('Ringing')).toBe(false);
    expect(upOnly(undefined)).toBe(false);
    const busyToo = countedStates(['Up', 'Ring', 'Ringing']);
    expect(busyToo('Ringing')).toBe(true);
  });
});

describe('channel events', () => {
  it('maps Newchannel/Newstate/Hangup/Rename of every version', () => {
    expect(channelChange(ev(['Event', 'Newchannel'], ['Channel', 'DAHDI/3-1'], ['ChannelState', '6'], ['ChannelStateDesc', 'Up']))).toEqual({
      kind: 'set',
      name: 'DAHDI/3-1',
      state: 'Up',
    });
    expect(channelChange(ev(['Event', 'Newstate'], ['Channel', 'Zap/3-1'], ['State', 'Ringing']))).toEqual({ kind: 'set', name: 'Zap/3-1', state: 'Ringing' });
    expect(channelChange(ev(['Event', 'Hangup'], ['Channel', 'Zap/3-1'], ['Cause', '16']))).toEqual({ kind: 'remove', name: 'Zap/3-1' });
    expect(channelChange(ev(['Event', 'Rename'], ['Oldname', 'Zap/3-1'], ['Newname', 'Zap/3-1<MASQ>']))).toEqual({
      kind: 'rename',
      from: 'Zap/3-1',
      to: 'Zap/3-1<MASQ>',
      state: undefined,
    });
    expect(channelChange(ev(['Event', 'Rename'], ['Channel', 'SIP/a-1'], ['Newname', 'DAHDI/4-1']))).toMatchObject({ from: 'SIP/a-1', to: 'DAHDI/4-1' });
    expect(channelChange(ev(['Event', 'DialBegin'], ['DestChannel', 'DAHDI/3-1']))).toBeNull();
    expect(channelChange(new AmiMessage('response', [['Response', 'Success']]))).toBeNull();
  });

  it('reads CoreShowChannel items of 22 (capture) and 1.8 (public/25)', () => {
    const msgs22 = parseAll(readCapture('asterisk-22/coreshowchannels-active.received.txt'));
    expect(listedFromCoreShowChannels(msgs22)).toEqual([
      { name: 'Local/600@amq-test-0000000a;1', state: 'Up' },
      { name: 'Local/600@amq-test-0000000a;2', state: 'Up' },
    ]);
    const msgs18 = parseAll(readCapture('public/25-coreshowchannels-list-ast1.8.txt'));
    expect(listedFromCoreShowChannels(msgs18)).toEqual([{ name: 'SIP/195.62.226.4-00000025', state: 'Up' }]);
  });

  it('reads concise listings of 1.4 (12 fields), 1.6 (13), 12+ (14) and the 22 Output: form', () => {
    expect(listedFromConcise(lines('public/30-show-channels-concise-ast1.4-12fields.txt'))).toContainEqual({ name: 'Zap/1-1', state: 'Ring' });
    const l14 = listedFromConcise(lines('public/30-show-channels-concise-ast1.4-12fields.txt'));
    expect(l14).toHaveLength(8); // the plain table below the concise lines is skipped
    expect(listedFromConcise(lines('public/31-core-show-channels-concise-ast1.6.2-13fields.txt')).map((c) => c.state)).toEqual(['Up', 'Up', 'Up', 'Up']);
    expect(listedFromConcise(lines('public/32-core-show-channels-concise-ast13plus-14fields-sip.txt'))).toHaveLength(4);
    expect(listedFromConcise(lines('public/33-core-show-channels-concise-ast13plus-msgqueue-empty-bridge.txt'))[2]).toEqual({
      name: 'Message/ast_msg_queue',
      state: 'Up',
    });
    expect(listedFromConcise(lines('public/34-core-show-channels-concise-pjsip-console-2021.txt'))).toHaveLength(2);
    const cmd = parseAll(readCapture('asterisk-22/command-core-show-channels.received.txt')).find((m) =>
      m.headers.some(([k, v]) => k === 'ActionID' && v === 'cmd1'),
    )!;
    expect(listedFromConcise(commandOutput(cmd))).toEqual([
      { name: 'Local/600@amq-test-00000009;1', state: 'Up' },
      { name: 'Local/600@amq-test-00000009;2', state: 'Up' },
    ]);
  });

  it('keeps Channel and State when Data holds "!" and skips non-listing lines', () => {
    const line = 'DAHDI/5-1!ctx!s!1!Up!Dial!SIP/a&SIP/b,,M(x!y)!100!!!3!12!!1600000000.1';
    expect(listedFromConcise([line, "The 'show channels' command is deprecated", '', "No such command 'x'"])).toEqual([{ name: 'DAHDI/5-1', state: 'Up' }]);
  });
});

describe('ChannelMap', () => {
  it('lights an E1 channel while Up and forgets it on Hangup', () => {
    const map = newMap();
    map.apply({ kind: 'set', name: 'DAHDI/15-1', state: 'Ringing' }, 1000);
    expect(map.mask(1000, 5000)).toBe(0);
    map.apply({ kind: 'set', name: 'DAHDI/15-1', state: 'Up' }, 1001);
    map.apply({ kind: 'set', name: 'SIP/100-1', state: 'Up' }, 1001);
    expect(map.mask(1001, 5000)).toBe(1 << 14);
    map.apply({ kind: 'remove', name: 'DAHDI/15-1' }, 1002);
    expect(map.mask(1002, 5000)).toBe(0);
    expect(map.snapshot()).toEqual([]);
  });

  it('follows renames, keeping the state when the event has none (masquerade ≤11)', () => {
    const map = newMap();
    map.apply({ kind: 'set', name: 'Zap/2-1', state: 'Up' }, 0);
    map.apply({ kind: 'rename', from: 'Zap/2-1', to: 'Zap/2-1<MASQ>', state: undefined }, 0);
    expect(map.mask(0, 10)).toBe(0);
    map.apply({ kind: 'set', name: 'Zap/3-1', state: 'Up' }, 0);
    map.apply({ kind: 'rename', from: 'Zap/3-1', to: 'Zap/4-1', state: undefined }, 0);
    expect(map.mask(0, 10)).toBe(1 << 3);
  });

  it('replays events received during a listing over its result', () => {
    const map = newMap();
    map.beginListing();
    // Arrives while the listing is built: the hangup of a channel the listing still shows,
    // and a channel that came up after the listing was taken.
    map.apply({ kind: 'remove', name: 'DAHDI/1-1' }, 10);
    map.apply({ kind: 'set', name: 'DAHDI/2-1', state: 'Up' }, 11);
    map.completeListing(
      [
        { name: 'DAHDI/1-1', state: 'Up' },
        { name: 'DAHDI/3-1', state: 'Up' },
        { name: 'SIP/x-1', state: 'Up' },
      ],
      12,
    );
    expect(map.mask(12, 100)).toBe((1 << 1) | (1 << 2));
    expect(
      map
        .snapshot()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['DAHDI/2-1', 'DAHDI/3-1']);
  });

  it('reports nothing up from data older than the staleness limit, nor before any data', () => {
    const map = newMap();
    expect(map.mask(0, 1000)).toBe(0);
    map.completeListing([{ name: 'DAHDI/7-1', state: 'Up' }], 5000);
    expect(map.mask(6000, 1000)).toBe(1 << 6);
    expect(map.mask(6001, 1000)).toBe(0);
    expect(map.isStale(6001, 1000)).toBe(true);
  });

  it('uses the span first channel and the configured states', () => {
    const map = newMap(32, countedStates(['Up', 'Ringing']));
    map.completeListing(
      [
        { name: 'DAHDI/32-1', state: 'Up' },
        { name: 'DAHDI/47-1', state: 'Up' },
        { name: 'DAHDI/48-1', state: 'Ringing' },
        { name: 'DAHDI/5-1', state: 'Up' },
      ],
      0,
    );
    expect(map.mask(0, 10)).toBe((1 << 0) | (1 << 15));
  });
});

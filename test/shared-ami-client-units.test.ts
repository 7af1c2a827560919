import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { backoffCeiling, backoffDelay } from '../src/shared/ami/backoff.js';
import { commandOutput } from '../src/shared/ami/command-output.js';
import { ActionTracker } from '../src/shared/ami/action-tracker.js';
import { md5Key } from '../src/shared/ami/client-login.js';
import { parseAll } from '../src/shared/ami/parser.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { AmiConnectionLostError, AmiNotConnectedError, AmiTimeoutError } from '../src/shared/ami/errors.js';
import { readCapture } from './helpers/ami-captures.js';
import { rejectionOf } from './helpers/ami-client-fixtures.js';

const silent = pino({ level: 'silent' });

function reply(text: string): AmiMessage {
  return parseAll(text.replace(/\n/g, '\r\n') + '\r\n\r\n')[0]!;
}

describe('reconnect backoff', () => {
  const opts = { minDelayMs: 500, maxDelayMs: 30_000 };

  it('doubles the ceiling per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 6, 7, 50].map((n) => backoffCeiling(n, opts))).toEqual([500, 1000, 2000, 4000, 30_000, 30_000, 30_000]);
  });

  it('draws the delay uniformly between 0 and the ceiling (full jitter)', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(0);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2000);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(4000);
    expect(backoffDelay(40, opts, () => 0.999999)).toBe(30_000);
  });
});

describe('commandOutput', () => {
  it('splits a legacy Follows body on LF, without the trailing newline', () => {
    const msg = parseAll("Response: Follows\r\nPrivilege: Command\r\nActionID: 1\r\nNo such command 'x'\n--END COMMAND--\r\n\r\n")[0]!;
    expect(commandOutput(msg)).toEqual(["No such command 'x'"]);
  });

  it('keeps a last line the END COMMAND marker was glued to', () => {
    const msg = parseAll('Response: Follows\r\nPrivilege: Command\r\na\nb--END COMMAND--\r\n\r\n')[0]!;
    expect(commandOutput(msg)).toEqual(['a', 'b']);
  });

  it('reads the Output lines of a captured 22 reply', () => {
    const msgs = parseAll(readCapture('asterisk-22/command-core-show-channels.received.txt'));
    const concise = msgs.find((m) => m.kind === 'response' && m.get('Message') === 'Command output follows');
    expect(concise).toBeDefined();
    const output = commandOutput(concise!);
    expect(output.length).toBeGreaterThan(0);
    expect(output).toEqual(concise!.headers.filter(([k]) => k === 'Output').map(([, v]) => v));
  });
});

describe('md5Key', () => {
  it('is the lowercase hex md5 of challenge + secret', () => {
    expect(md5Key('', '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Key('abc', '')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Key('a', 'bc')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});

describe('ActionTracker', () => {
  it('rejects written actions as lost and unwritten ones as not sent when the connection drops', async () => {
    const t = new ActionTracker(silent);
    const written = rejectionOf(t.register('a1', 'Originate', false, 10_000));
    const unwritten = rejectionOf(t.register('a2', 'Originate', false, 10_000));
    expect(t.markWritten('a1')).toBe(true);
    t.failAll(new Error('reset'));
    expect(await written).toBeInstanceOf(AmiConnectionLostError);
    expect(await unwritten).toBeInstanceOf(AmiNotConnectedError);
    expect(t.size).toBe(0);
  });

  it('skips the write of an action that timed out while waiting for the socket', async () => {
    const t = new ActionTracker(silent);
    const err = await rejectionOf(t.register('a1', 'Ping', false, 1));
    expect(err).toBeInstanceOf(AmiTimeoutError);
    expect((err as AmiTimeoutError).context).toMatchObject({ written: false });
    expect(t.markWritten('a1')).toBe(false);
  });

  it('clears tombstones ahead of a reply matched by ActionID, so FIFO replies stay aligned', async () => {
    const t = new ActionTracker(silent);
    const lost = rejectionOf(t.register('p1', 'Ping', false, 1));
    t.markWritten('p1');
    expect(await lost).toBeInstanceOf(AmiTimeoutError);
    const second = t.register('p2', 'Ping', false, 10_000);
    const third = t.register('p3', 'Ping', false, 10_000);
    t.markWritten('p2');
    t.markWritten('p3');
    t.handleResponse(reply('Response: Success\nActionID: p2\nPing: Pong'));
    t.handleResponse(reply('Response: Success\nPing: Pong\nSeq: for-p3'));
    expect((await second).response.get('ActionID')).toBe('p2');
    expect((await third).response.get('Seq')).toBe('for-p3');
  });

  it('restarts a list timeout per item and lets a late item through as a plain event', async () => {
    const t = new ActionTracker(silent);
    const list = t.register('l1', 'CoreShowChannels', true, 10_000);
    t.markWritten('l1');
    expect(t.handleEvent(reply('Event: CoreShowChannel\nActionID: l1\nChannel: x'))).toBe(false);
    t.handleResponse(reply('Response: Success\nActionID: l1\nEventList: start'));
    expect(t.handleEvent(reply('Event: CoreShowChannel\nActionID: l1\nChannel: a'))).toBe(true);
    expect(t.handleEvent(reply('Event: CoreShowChannelsComplete\nActionID: l1\nEventList: Complete\nListItems: 1'))).toBe(true);
    const result = await list;
    expect(result.events.map((e) => e.get('Channel'))).toEqual(['a']);
    expect(t.handleEvent(reply('Event: CoreShowChannel\nActionID: l1\nChannel: late'))).toBe(false);
  });

  it('resolves a list action at once when the Success opens no list', async () => {
    const t = new ActionTracker(silent);
    const plain = t.register('h1', 'Hangup', true, 10_000);
    t.markWritten('h1');
    t.handleResponse(reply('Response: Success\nActionID: h1\nMessage: Channel Hungup'));
    expect(await plain).toMatchObject({ events: [] });
    const legacy = t.register('s1', 'Status', true, 10_000);
    t.markWritten('s1');
    t.handleResponse(reply('Response: Success\nActionID: s1\nMessage: Channel status will follow'));
    expect(t.handleEvent(reply('Event: Status\nChannel: SIP/a-1\nActionID: s1'))).toBe(true);
    expect(t.handleEvent(reply('Event: StatusComplete\nActionID: s1\nItems: 1'))).toBe(true);
    expect((await legacy).events).toHaveLength(1);
  });
});

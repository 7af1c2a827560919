import { describe, expect, it } from 'vitest';
import { AmiParser, parseAll } from '../src/shared/ami/parser.js';
import type { AmiMessage, AmiMessageKind } from '../src/shared/ami/message.js';
import { sameKey } from '../src/shared/ami/header-key.js';
import { captureNames, readCapture } from './helpers/ami-captures.js';

type Counts = Partial<Record<AmiMessageKind, number>>;

/**
 * Messages per file by kind, counted by reading the files (an awk pass over blank-line blocks,
 * then by eye where a block is not one message): a banner is followed by the first reply with no
 * blank line; the public transcripts interleave client actions (kind `other`); Follows bodies
 * may hold blank lines; public/14 lost two blank lines between events, so those pairs merge.
 * The burst captures: the watcher's login response and its events; the sender's 40 (or 20)
 * Originate responses plus the CoreShowChannels list (its start response and Complete event).
 */
const COUNTS: Record<string, Counts> = {
  'asterisk-18/command-core-show-channels.received.txt': { banner: 1, response: 5 },
  'asterisk-18/command-core-show-channels.sent.txt': { other: 5 },
  'asterisk-18/confbridge-actions.received.txt': { banner: 1, response: 8, event: 7 },
  'asterisk-18/confbridge-actions.sent.txt': { other: 8 },
  'asterisk-18/confbridge-events.received.txt': { banner: 1, response: 6, event: 79 },
  'asterisk-18/confbridge-events.sent.txt': { other: 6 },
  'asterisk-18/coreshowchannels-active.received.txt': { banner: 1, response: 3, event: 3 },
  'asterisk-18/coreshowchannels-active.sent.txt': { other: 3 },
  'asterisk-18/hangup-cause16.received.txt': { banner: 1, response: 8, event: 80 },
  'asterisk-18/hangup-cause16.sent.txt': { other: 8 },
  'asterisk-18/login-bad-secret.received.txt': { banner: 1, response: 1 },
  'asterisk-18/login-bad-secret.sent.txt': { other: 1 },
  'asterisk-18/originate-amiq-id.received.txt': { banner: 1, response: 1, event: 32 },
  'asterisk-18/originate-amiq-id.sender-events-off.received.txt': { banner: 1, response: 2 },
  'asterisk-18/originate-amiq-id.sent.txt': { other: 1 },
  'asterisk-18/originate-badchannel.received.txt': { banner: 1, response: 5, event: 3 },
  'asterisk-18/originate-badchannel.sent.txt': { other: 5 },
  'asterisk-18/originate-busy.received.txt': { banner: 1, response: 3, event: 22 },
  'asterisk-18/originate-busy.sent.txt': { other: 3 },
  'asterisk-18/originate-failures-burst.received.txt': { banner: 1, response: 1, event: 883 },
  'asterisk-18/originate-failures-burst.sender-events-off.received.txt': { banner: 1, response: 42, event: 1 },
  'asterisk-18/originate-failures-burst.sent.txt': { other: 41 },
  'asterisk-18/originate-local.received.txt': { banner: 1, response: 4, event: 30 },
  'asterisk-18/originate-local.sent.txt': { other: 4 },
  'asterisk-18/originate-timeout.received.txt': { banner: 1, response: 3, event: 23 },
  'asterisk-18/originate-timeout.sent.txt': { other: 3 },
  'asterisk-18/readonly-originate.received.txt': { banner: 1, response: 5, event: 4 },
  'asterisk-18/readonly-originate.sent.txt': { other: 5 },
  'asterisk-18/redirect.received.txt': { banner: 1, response: 7, event: 32 },
  'asterisk-18/redirect.sent.txt': { other: 7 },
  'asterisk-18/unknown-action.received.txt': { banner: 1, response: 5, event: 3 },
  'asterisk-18/unknown-action.sent.txt': { other: 5 },
  'asterisk-20/command-core-show-channels.received.txt': { banner: 1, response: 5 },
  'asterisk-20/command-core-show-channels.sent.txt': { other: 5 },
  'asterisk-20/confbridge-actions.received.txt': { banner: 1, response: 8, event: 7 },
  'asterisk-20/confbridge-actions.sent.txt': { other: 8 },
  'asterisk-20/confbridge-events.received.txt': { banner: 1, response: 6, event: 79 },
  'asterisk-20/confbridge-events.sent.txt': { other: 6 },
  'asterisk-20/coreshowchannels-active.received.txt': { banner: 1, response: 3, event: 3 },
  'asterisk-20/coreshowchannels-active.sent.txt': { other: 3 },
  'asterisk-20/hangup-cause16.received.txt': { banner: 1, response: 8, event: 80 },
  'asterisk-20/hangup-cause16.sent.txt': { other: 8 },
  'asterisk-20/login-bad-secret.received.txt': { banner: 1, response: 1 },
  'asterisk-20/login-bad-secret.sent.txt': { other: 1 },
  'asterisk-20/originate-amiq-id.received.txt': { banner: 1, response: 1, event: 32 },
  'asterisk-20/originate-amiq-id.sender-events-off.received.txt': { banner: 1, response: 2 },
  'asterisk-20/originate-amiq-id.sent.txt': { other: 1 },
  'asterisk-20/originate-badchannel.received.txt': { banner: 1, response: 5, event: 3 },
  'asterisk-20/originate-badchannel.sent.txt': { other: 5 },
  'asterisk-20/originate-busy.received.txt': { banner: 1, response: 3, event: 22 },
  'asterisk-20/originate-busy.sent.txt': { other: 3 },
  'asterisk-20/originate-failures-burst.received.txt': { banner: 1, response: 1, event: 883 },
  'asterisk-20/originate-failures-burst.sender-events-off.received.txt': { banner: 1, response: 42, event: 1 },
  'asterisk-20/originate-failures-burst.sent.txt': { other: 41 },
  'asterisk-20/originate-local.received.txt': { banner: 1, response: 4, event: 30 },
  'asterisk-20/originate-local.sent.txt': { other: 4 },
  'asterisk-20/originate-timeout.received.txt': { banner: 1, response: 3, event: 23 },
  'asterisk-20/originate-timeout.sent.txt': { other: 3 },
  'asterisk-20/readonly-originate.received.txt': { banner: 1, response: 5, event: 4 },
  'asterisk-20/readonly-originate.sent.txt': { other: 5 },
  'asterisk-20/redirect.received.txt': { banner: 1, response: 7, event: 32 },
  'asterisk-20/redirect.sent.txt': { other: 7 },
  'asterisk-20/unknown-action.received.txt': { banner: 1, response: 5, event: 3 },
  'asterisk-20/unknown-action.sent.txt': { other: 5 },
  'asterisk-22/command-core-show-channels.received.txt': { banner: 1, response: 5 },
  'asterisk-22/command-core-show-channels.sent.txt': { other: 5 },
  'asterisk-22/confbridge-actions.received.txt': { banner: 1, response: 8, event: 7 },
  'asterisk-22/confbridge-actions.sent.txt': { other: 8 },
  'asterisk-22/confbridge-events.received.txt': { banner: 1, response: 6, event: 80 },
  'asterisk-22/confbridge-events.sent.txt': { other: 6 },
  'asterisk-22/coreshowchannels-active.received.txt': { banner: 1, response: 3, event: 3 },
  'asterisk-22/coreshowchannels-active.sent.txt': { other: 3 },
  'asterisk-22/hangup-cause16.received.txt': { banner: 1, response: 8, event: 80 },
  'asterisk-22/hangup-cause16.sent.txt': { other: 8 },
  'asterisk-22/login-bad-secret.received.txt': { banner: 1, response: 1 },
  'asterisk-22/login-bad-secret.sent.txt': { other: 1 },
  'asterisk-22/originate-amiq-id.received.txt': { banner: 1, response: 1, event: 32 },
  'asterisk-22/originate-amiq-id.sender-events-off.received.txt': { banner: 1, response: 2 },
  'asterisk-22/originate-amiq-id.sent.txt': { other: 1 },
  'asterisk-22/originate-answered-burst.received.txt': { banner: 1, response: 1, event: 583 },
  'asterisk-22/originate-answered-burst.sender-events-off.received.txt': { banner: 1, response: 22, event: 1 },
  'asterisk-22/originate-answered-burst.sent.txt': { other: 21 },
  'asterisk-22/originate-badchannel.received.txt': { banner: 1, response: 5, event: 3 },
  'asterisk-22/originate-badchannel.sent.txt': { other: 5 },
  'asterisk-22/originate-busy.received.txt': { banner: 1, response: 3, event: 22 },
  'asterisk-22/originate-busy.sent.txt': { other: 3 },
  'asterisk-22/originate-failures-burst.received.txt': { banner: 1, response: 1, event: 883 },
  'asterisk-22/originate-failures-burst.sender-events-off.received.txt': { banner: 1, response: 42, event: 1 },
  'asterisk-22/originate-failures-burst.sent.txt': { other: 41 },
  'asterisk-22/originate-local.received.txt': { banner: 1, response: 4, event: 30 },
  'asterisk-22/originate-local.sent.txt': { other: 4 },
  'asterisk-22/originate-timeout.received.txt': { banner: 1, response: 3, event: 19 },
  'asterisk-22/originate-timeout.sent.txt': { other: 3 },
  'asterisk-22/readonly-originate.received.txt': { banner: 1, response: 5, event: 4 },
  'asterisk-22/readonly-originate.sent.txt': { other: 5 },
  'asterisk-22/redirect.received.txt': { banner: 1, response: 7, event: 32 },
  'asterisk-22/redirect.sent.txt': { other: 7 },
  'asterisk-22/unknown-action.received.txt': { banner: 1, response: 5, event: 3 },
  'asterisk-22/unknown-action.sent.txt': { other: 5 },
  'public/01-login-ok-fullybooted-ami1.3.txt': { banner: 1, response: 1, event: 1, other: 1 },
  'public/02-login-failed.txt': { banner: 1, response: 1, other: 1 },
  'public/03-challenge-md5-ami7.0.3.txt': { banner: 1, response: 1, other: 1 },
  'public/04-logoff-goodbye.txt': { response: 1, other: 1 },
  'public/05-ping-pong-timestamp.txt': { response: 1 },
  'public/06-originate-sync-queued.txt': { response: 1, other: 1 },
  'public/07-command-follows-core-show-version-ast11.txt': { response: 1, other: 1 },
  'public/08-command-follows-core-show-channels.txt': { response: 1, other: 1 },
  'public/09-error-response-agi-channel-missing.txt': { response: 1, other: 1 },
  'public/10-action-duplicate-variable-headers-sipnotify.txt': { response: 1, other: 1 },
  'public/11-originate-local-full-event-stream-ast11.txt': { response: 1, event: 748, other: 1 },
  'public/12-queuestatus-list-ast11.txt': { response: 1, event: 8 },
  'public/13-pjsip-show-endpoint-eventlist-ast13plus.txt': { response: 1, event: 6 },
  'public/14-call-chanvariable-dialbegin-bridge-hangup-ast13plus-crlf.txt': { event: 49 },
  'public/15-confbridge-originate-join-kick-leave-ast13plus-crlf.txt': { response: 2, event: 20, other: 1 },
  'public/16-queue-command-follows-and-queuestatus-lists-ast13-crlf.txt': { response: 11, event: 19, other: 12 },
  'public/17-wazo-call-event-stream-ast15-chanvariable.txt': { event: 241 },
  'public/18-command-output-headers-moh-show-classes-ast14plus-crlf.txt': { response: 1 },
  'public/19-command-follows-database-show-mixed-eol-ast13.txt': { response: 1 },
  'public/20-command-follows-queue-show-mixed-eol-ast13.txt': { response: 1 },
  'public/21-telnet-session-ami5.0.2-login-fullybooted-command-output.txt': { banner: 1, response: 3, event: 1, other: 2 },
  'public/22-unknown-action-error-and-ping-ami5.0.2.txt': { banner: 1, response: 4, event: 1, other: 6 },
  'public/23-originateresponse-failure-application-channelid-ast13plus.txt': { event: 1 },
  'public/24-originate-error-invalid-channel-ast11.txt': { response: 1, other: 1 },
  'public/25-coreshowchannels-list-ast1.8.txt': { event: 2 },
  'public/26-meetmelist-event-ast1.8.txt': { event: 1 },
  'public/27-dial-subevent-end-parkedcall-extensionstate-ast1.8.txt': { response: 1, event: 2 },
  'public/28-docs-confbridge-actions-list-listrooms-kick-ast10.txt': { response: 10, event: 6, other: 10 },
  'public/29-docs-confbridge-events-join-leave-end-talking-ast10.txt': { event: 6 },
  'public/30-show-channels-concise-ast1.4-12fields.txt': { other: 6 },
  'public/31-core-show-channels-concise-ast1.6.2-13fields.txt': { other: 1 },
  'public/32-core-show-channels-concise-ast13plus-14fields-sip.txt': { other: 1 },
  'public/33-core-show-channels-concise-ast13plus-msgqueue-empty-bridge.txt': { other: 1 },
  'public/34-core-show-channels-concise-pjsip-console-2021.txt': { other: 1 },
  'public/35-command-output-concise-ami5.0.2-LOWERCASED.txt': { banner: 1, response: 3, event: 1 },
  'public/36-command-follows-no-such-command-ast13.txt': { response: 3 },
};

const EVERY_OFFSET_UP_TO = 20_000;
const SAMPLED_OFFSETS = 450;
/**
 * Bytes parsed by the split-in-two test of a big file at most: each split parses the whole file,
 * so the burst captures (220-340 kB) get fewer samples. Feeding one byte at a time splits every
 * file at every byte in one pass (~0.2 s for the largest).
 */
const SPLIT_BYTES = 120_000_000;

function countKinds(msgs: AmiMessage[]): Counts {
  const out: Counts = {};
  for (const m of msgs) out[m.kind] = (out[m.kind] ?? 0) + 1;
  return out;
}

function parseChunks(chunks: Buffer[]): string {
  const out: AmiMessage[] = [];
  const errors: Error[] = [];
  const parser = new AmiParser({ onMessage: (m) => out.push(m), onError: (e) => errors.push(e) });
  for (const c of chunks) parser.push(c);
  parser.end();
  expect(errors).toEqual([]);
  return JSON.stringify(out);
}

/** Every offset of a small file; for a big one a dense spread plus seeded pseudo-random offsets. */
function splitOffsets(length: number): number[] {
  if (length <= EVERY_OFFSET_UP_TO) return Array.from({ length: length + 1 }, (_, i) => i);
  const set = new Set<number>([0, 1, length - 1, length]);
  let seed = length;
  const samples = Math.min(SAMPLED_OFFSETS, Math.floor(SPLIT_BYTES / length / 2));
  for (let i = 0; i < samples; i++) {
    set.add(Math.floor((i * length) / samples));
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    set.add(seed % length);
  }
  return [...set];
}

function parse(name: string): AmiMessage[] {
  return parseAll(readCapture(name));
}

function byEvent(msgs: AmiMessage[], name: string): AmiMessage[] {
  return msgs.filter((m) => m.eventName === name);
}

describe('parser over every capture', () => {
  it('knows every capture file (a new capture needs its counts here)', () => {
    expect(captureNames().sort()).toEqual(Object.keys(COUNTS).sort());
  });

  for (const name of captureNames()) {
    describe(name, () => {
      const data = readCapture(name);
      const whole = parseAll(data);
      const expected = JSON.stringify(whole);

      it('has the message counts read from the file', () => {
        expect(countKinds(whole)).toEqual(COUNTS[name]);
        for (const m of whole) expect(m.headers.length).toBeGreaterThan(0);
      });

      it('reads each field from the text as from the split headers', () => {
        // Each message read twice: split, and from text that get and eventName leave unsplit.
        const split = parseAll(data);
        const fresh = parseAll(data);
        const keysOf = (m: AmiMessage): Set<string> => new Set([...m.headers.flatMap(([k]) => [k, k.toUpperCase(), k.toLowerCase()]), 'NoSuchHeader']);
        split.forEach((m, i) => {
          for (const k of keysOf(m)) {
            const want = m.headers.find(([h]) => sameKey(h, k))?.[1];
            expect(fresh[i]!.get(k), `${k} in ${JSON.stringify(m.headers).slice(0, 60)}`).toBe(want);
          }
          expect(fresh[i]!.eventName).toBe(m.kind === 'event' ? m.headers[0]![1] : undefined);
        });
      });

      it(`gives the same messages split in two at ${data.length > EVERY_OFFSET_UP_TO ? 'sampled' : 'every'} offset`, () => {
        for (const at of splitOffsets(data.length)) {
          const got = parseChunks([data.subarray(0, at), data.subarray(at)]);
          if (got !== expected) expect.fail(`split at byte ${at} changed the messages`);
        }
      });

      it('gives the same messages in random small chunks', () => {
        let seed = 7;
        for (let round = 0; round < 5; round++) {
          const chunks: Buffer[] = [];
          for (let at = 0; at < data.length;) {
            seed = (seed * 1103515245 + 12345) % 2 ** 31;
            const len = 1 + (seed % 97);
            chunks.push(data.subarray(at, at + len));
            at += len;
          }
          expect(parseChunks(chunks)).toBe(expected);
        }
      });

      it('gives the same messages fed one byte at a time', () => {
        const bytes = Array.from({ length: data.length }, (_, i) => data.subarray(i, i + 1));
        expect(parseChunks(bytes)).toBe(expected);
      });
    });
  }
});

describe('fields read from the captures', () => {
  it('originate-busy: OriginateResponse is an event with a Response key, Reason 5, Uniqueid <unknown>', () => {
    const msgs = parse('asterisk-22/originate-busy.received.txt');
    const [resp] = byEvent(msgs, 'OriginateResponse');
    expect(resp?.kind).toBe('event');
    expect(resp!.get('Response')).toBe('Failure');
    expect(resp!.get('Reason')).toBe('5');
    expect(resp!.get('Uniqueid')).toBe('<unknown>');
    expect(resp!.get('Channel')).toBe('Local/400@amq-test');
    expect(resp!.get('ActionID')).toBe('t2');
    expect(msgs[0]!.toJSON()).toEqual({ kind: 'banner', headers: [['Asterisk Call Manager/11.0.0', '']] });
  });

  it('originate-amiq-id: ChanVariable on every channel event, empty before it is set, prefixed forms kept', () => {
    const msgs = parse('asterisk-22/originate-amiq-id.received.txt');
    const [first] = byEvent(msgs, 'Newchannel');
    expect(first!.all('ChanVariable')).toEqual(['AMIQ_ID=']);
    expect(first!.headers.at(-1)).toEqual(['ChanVariable', 'AMIQ_ID=']);
    const [bridge] = byEvent(msgs, 'LocalBridge');
    expect(bridge!.get('LocalOneChanVariable')).toBe('AMIQ_ID=42');
    expect(bridge!.get('LocalTwoChanVariable')).toBe('AMIQ_ID=42');
    const [orig] = byEvent(msgs, 'OriginateResponse');
    expect(orig!.get('ActionID')).toBe('amiq-42');
    expect(orig!.get('Response')).toBe('Success');
    expect(orig!.get('Uniqueid')).toBe('1795325664.0');
    expect(orig!.get('ChanVariable(Local/100@default-00000000;1)')).toBe('AMIQ_ID=42');
    const all = msgs.flatMap((m) => m.headers).filter(([k]) => k.endsWith('ChanVariable'));
    expect(all.length).toBe(25);
  });

  it('values keep their colons and `Key: ` gives an empty value', () => {
    const msgs = parse('asterisk-22/originate-amiq-id.received.txt');
    const [auth] = byEvent(msgs, 'SuccessfulAuth');
    expect(auth!.get('EventTV')).toBe('2026-11-22T05:34:24.219+0000');
    expect(auth!.get('LocalAddress')).toMatch(/^IPV4\/TCP\//);
    const [newchan] = byEvent(msgs, 'Newchannel');
    expect(newchan!.headers).toContainEqual(['AccountCode', '']);
    const unknown = parse('public/22-unknown-action-error-and-ping-ami5.0.2.txt').filter((m) => m.kind === 'response' && m.get('Response') === 'Error');
    expect(unknown[0]!.get('Message')).toBe('Invalid/unknown command: pwd. Use Action: ListCommands to show available commands.');
    const report = parse('public/11-originate-local-full-event-stream-ast11.txt')
      .flatMap((m) => m.headers)
      .find(([k]) => k === 'ReportBlock');
    expect(report).toEqual(['ReportBlock', '']);
  });

  it('public/14: three ChanVariable repeats per channel event, order kept', () => {
    const msgs = parse('public/14-call-chanvariable-dialbegin-bridge-hangup-ast13plus-crlf.txt');
    const [newchan] = byEvent(msgs, 'Newchannel');
    expect(newchan!.all('ChanVariable')).toEqual(['realm=', 'SIPDOMAIN=', 'SIPCALLID=']);
    const total = msgs.reduce((n, m) => n + m.all('ChanVariable').length, 0);
    expect(total).toBe(129);
    // Two events lost their blank line in the fixture and ride inside the one before them.
    expect(msgs.filter((m) => m.all('Event').length === 2)).toHaveLength(2);
  });

  it('public/07: Follows body without the marker; headers are Privilege and ActionID', () => {
    const [, resp] = parse('public/07-command-follows-core-show-version-ast11.txt');
    expect(resp!.headers).toEqual([
      ['Response', 'Follows'],
      ['Privilege', 'Command'],
      ['ActionID', 'action/transaction_uid/1/1'],
    ]);
    expect(resp!.body).toMatch(/^Asterisk 11\.11\.0\+xivo.* 2014-08-06 19:30:37 UTC\n$/);
  });

  it('public/19: mixed EOL, CRLF headers and an LF body with colons in it', () => {
    const [resp] = parse('public/19-command-follows-database-show-mixed-eol-ast13.txt');
    expect(resp!.headers).toEqual([
      ['Response', 'Follows'],
      ['Privilege', 'Command'],
    ]);
    const lines = resp!.body!.split('\n');
    expect(lines[0]).toBe('/AMPUSER/*/concurrency_limit                      : 4                        ');
    expect(lines.at(-2)).toBe('468 results found.');
    expect(lines.at(-1)).toBe('');
    // 472 lines: two headers, 469 body lines, the marker.
    expect(lines).toHaveLength(470);
    expect(resp!.body).not.toContain('\r');
    expect(resp!.body).not.toContain('--END COMMAND--');
  });

  it('public/20: Follows body keeps its blank lines', () => {
    const [resp] = parse('public/20-command-follows-queue-show-mixed-eol-ast13.txt');
    const body = resp!.body!;
    expect(body.startsWith("911 has 0 calls (max unlimited) in 'ringall' strategy")).toBe(true);
    expect(body.split('\n\n')).toHaveLength(10);
    expect(body.endsWith('   No Callers\n\n')).toBe(true);
    expect(body).not.toContain('\r');
  });

  it('public/36: bodies with and without --END COMMAND--, and spread over two lines', () => {
    const msgs = parse('public/36-command-follows-no-such-command-ast13.txt');
    const text = "No such command 'core show hi' (type 'core show help core show hi' for other possible commands)\n";
    expect(msgs.map((m) => m.body)).toEqual([text, text, "No such command 'core show hi'\n(type 'core show help core show hi' for other possible commands)\n"]);
  });

  it('public/16: a Follows reply trimmed to its headers has an empty body', () => {
    const msgs = parse('public/16-queue-command-follows-and-queuestatus-lists-ast13-crlf.txt');
    const follows = msgs.filter((m) => m.body !== undefined);
    expect(follows).toHaveLength(1);
    expect(follows[0]!.body).toBe('');
    expect(follows[0]!.get('ActionID')).toBe('bef2eb20211b9@okon.ferry.sip.com');
  });

  it('public/18 and 21: Output lines keep tabs, trailing spaces and colons', () => {
    const [moh] = parse('public/18-command-output-headers-moh-show-classes-ast14plus-crlf.txt');
    expect(moh!.all('Output')).toEqual(['Class: default', '\tMode: files', '\tDirectory: /var/lib/wazo/moh/default']);
    const msgs = parse('public/21-telnet-session-ami5.0.2-login-fullybooted-command-output.txt');
    const out = msgs.at(-1)!.all('Output');
    expect(out).toHaveLength(4);
    expect(out[1]).toBe('100                        100                               test             No   No        ');
    expect(msgs.at(-1)!.get('Message')).toBe('Command output follows');
    expect(msgs[0]!.kind).toBe('banner');
    expect(msgs[1]!.get('Message')).toBe('Missing action in request');
  });

  it('asterisk-22 Command: Output lines, one per line of CLI text', () => {
    const msgs = parse('asterisk-22/command-core-show-channels.received.txt');
    const cmd2 = msgs.find((m) => m.get('ActionID') === 'cmd2');
    expect(cmd2!.all('Output')).toHaveLength(6);
    expect(cmd2!.all('Output').at(-1)).toBe('16 calls processed');
    const cmd3 = msgs.find((m) => m.get('ActionID') === 'cmd3');
    expect(cmd3!.get('Response')).toBe('Error');
    expect(cmd3!.get('Output')).toMatch(/^No such command 'core show nosuchthing'/);
  });

  it('public/35: lower-cased keys and banner are kept as they came', () => {
    const msgs = parse('public/35-command-output-concise-ami5.0.2-LOWERCASED.txt');
    expect(msgs[0]!.toJSON()).toEqual({ kind: 'banner', headers: [['asterisk call manager/5.0.2', '']] });
    expect(msgs[1]!.headers[0]).toEqual(['response', 'success']);
    expect(msgs[1]!.kind).toBe('response');
    expect(msgs[2]!.kind).toBe('event');
    expect(msgs[2]!.eventName).toBe('fullybooted');
    const out = msgs[3]!;
    expect(out.headers.filter(([k]) => k === 'output')).toHaveLength(5);
    expect(out.all('Output')[0]).toMatch(/^local\/218@from-queue-0000d6c2;1!from-queue!900!/);
    expect(msgs[4]!.get('response')).toBe('goodbye');
  });

  it('public/22: a mangled first line (`esponse:`) is an `other` message, not lost', () => {
    const msgs = parse('public/22-unknown-action-error-and-ping-ami5.0.2.txt');
    const odd = msgs.find((m) => m.headers[0]![0] === 'esponse');
    expect(odd?.kind).toBe('other');
    expect(odd!.get('Message')).toBe('Authentication accepted');
  });

  it('public/23: failed OriginateResponse with an Application and the client ChannelId', () => {
    const [msg] = parse('public/23-originateresponse-failure-application-channelid-ast13plus.txt');
    expect(msg!.kind).toBe('event');
    expect(msg!.get('Response')).toBe('Failure');
    expect(msg!.get('Uniqueid')).toBe('test 12 123 1236');
    expect(msg!.get('Data')).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { AmiParser, parseAll, splitHeader } from '../src/shared/ami/parser.js';
import { AmiFrameError } from '../src/shared/ami/errors.js';
import { AmiMessage, type AmiMessageData } from '../src/shared/ami/message.js';

function collect(opts: { maxMessageBytes?: number } = {}) {
  const messages: AmiMessage[] = [];
  const errors: AmiFrameError[] = [];
  const parser = new AmiParser({ ...opts, onMessage: (m) => messages.push(m), onError: (e) => errors.push(e) });
  return { parser, messages, errors };
}

/** A message as plain data (it prints as its kind, split headers and any body). */
const plain = (m: AmiMessage): unknown => JSON.parse(JSON.stringify(m));

const crlf = (lines: string[]) => lines.map((l) => `${l}\r\n`).join('');

describe('AmiParser framing', () => {
  const lines = ['Event: Hangup', 'Privilege: call,all', 'Channel: SIP/100-0001', 'Cause: 16', '', 'Response: Success', 'Ping: Pong', ''];
  const expected: AmiMessageData[] = [
    {
      kind: 'event',
      headers: [
        ['Event', 'Hangup'],
        ['Privilege', 'call,all'],
        ['Channel', 'SIP/100-0001'],
        ['Cause', '16'],
      ],
    },
    {
      kind: 'response',
      headers: [
        ['Response', 'Success'],
        ['Ping', 'Pong'],
      ],
    },
  ];

  it('reads CRLF', () => {
    expect(parseAll(crlf(lines)).map(plain)).toEqual(expected);
  });

  it('reads LF only', () => {
    expect(parseAll(lines.map((l) => `${l}\n`).join('')).map(plain)).toEqual(expected);
  });

  it('reads CRLF and LF mixed line by line', () => {
    expect(parseAll(lines.map((l, i) => `${l}${i % 2 ? '\n' : '\r\n'}`).join('')).map(plain)).toEqual(expected);
  });

  it('delivers a message the stream ended without its blank line', () => {
    const { parser, messages } = collect();
    parser.push(Buffer.from('Response: Goodbye\r\nMessage: Thanks for all the fish.'));
    expect(messages).toEqual([]);
    parser.end();
    expect(messages.map(plain)).toEqual([
      {
        kind: 'response',
        headers: [
          ['Response', 'Goodbye'],
          ['Message', 'Thanks for all the fish.'],
        ],
      },
    ]);
  });

  it('ignores extra blank lines between messages', () => {
    expect(parseAll('\r\n\r\nEvent: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n').map((m) => m.eventName)).toEqual(['A', 'B']);
  });

  it('splits on the first colon and drops one space after it only', () => {
    expect(splitHeader('AppData: a:b: c')).toEqual(['AppData', 'a:b: c']);
    expect(splitHeader('ReportBlock:')).toEqual(['ReportBlock', '']);
    expect(splitHeader('AccountCode: ')).toEqual(['AccountCode', '']);
    expect(splitHeader('Output:   indented')).toEqual(['Output', '  indented']);
    expect(splitHeader('Key:value')).toEqual(['Key', 'value']);
    expect(splitHeader('no colon here')).toEqual(['no colon here', '']);
  });
});

describe('AmiParser classification', () => {
  it('classifies by the FIRST line: OriginateResponse is an event that has a Response key', () => {
    const [msg] = parseAll(crlf(['Event: OriginateResponse', 'ActionID: a1', 'Response: Failure', 'Reason: 5', '']));
    expect(msg!.kind).toBe('event');
    expect(msg!.eventName).toBe('OriginateResponse');
    expect(msg!.get('Response')).toBe('Failure');
  });

  it('a reply that mentions Event later is still a response', () => {
    const [msg] = parseAll(crlf(['Response: Success', 'Event: confusing', '']));
    expect(msg!.kind).toBe('response');
  });

  it('matches the first key case-insensitively, keeping its case', () => {
    const msgs = parseAll('EVENT: FullyBooted\n\nresponse: success\n\n');
    expect(msgs.map((m) => m.kind)).toEqual(['event', 'response']);
    expect(msgs[1]!.headers).toEqual([['response', 'success']]);
  });

  it('keeps a message with neither Response nor Event (1.4 raw output) as kind other', () => {
    const raw = crlf([
      "default has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime), W:0, C:0, A:0, SL:0.0% within 0s",
      '   No Members',
      '   No Callers',
      '',
      'Response: Success',
      '',
    ]);
    const msgs = parseAll(raw);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.kind).toBe('other');
    expect(msgs[0]!.headers).toEqual([
      ["default has 0 calls (max unlimited) in 'ringall' strategy (0s holdtime), W", '0, C:0, A:0, SL:0.0% within 0s'],
      ['   No Members', ''],
      ['   No Callers', ''],
    ]);
    expect(msgs[1]!.kind).toBe('response');
  });

  it('an Action (client side of a transcript) is kind other', () => {
    expect(parseAll('Action: Ping\r\nActionID: 1\r\n\r\n')[0]!.kind).toBe('other');
  });
});

describe('AmiParser banner', () => {
  it('reads the banner line on its own, with no blank line before the first reply', () => {
    const msgs = parseAll('Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n');
    expect(msgs.map(plain)).toEqual([
      { kind: 'banner', headers: [['Asterisk Call Manager/11.0.0', '']] },
      {
        kind: 'response',
        headers: [
          ['Response', 'Success'],
          ['Message', 'Authentication accepted'],
        ],
      },
    ]);
  });

  it('is a banner only as the first line of the stream', () => {
    const msgs = parseAll('Response: Success\r\n\r\nAsterisk Call Manager/1.0\r\n\r\n');
    expect(msgs.map((m) => m.kind)).toEqual(['response', 'other']);
  });

  it('arrives as soon as its line is complete, even byte by byte', () => {
    const { parser, messages } = collect();
    for (const b of Buffer.from('Asterisk Call Manager/1.0\r\n')) parser.push(Buffer.from([b]));
    expect(messages.map(plain)).toEqual([{ kind: 'banner', headers: [['Asterisk Call Manager/1.0', '']] }]);
  });
});

describe('AmiParser legacy Follows bodies', () => {
  it('finds --END COMMAND-- glued to the last output line', () => {
    const wire = 'Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\nline one\nlast line--END COMMAND--\r\n\r\n';
    expect(parseAll(wire).map(plain)).toEqual([
      {
        kind: 'response',
        headers: [
          ['Response', 'Follows'],
          ['Privilege', 'Command'],
          ['ActionID', 'c1'],
        ],
        body: 'line one\nlast line',
      },
    ]);
  });

  it('keeps blank lines and colons inside the body and reads the next message after it', () => {
    const wire = 'Response: Follows\r\nPrivilege: Command\r\nq1: a\n\nq2: b\n--END COMMAND--\r\n\r\nEvent: Next\r\n\r\n';
    const msgs = parseAll(wire);
    expect(msgs[0]!.body).toBe('q1: a\n\nq2: b\n');
    expect(msgs[0]!.headers).toHaveLength(2);
    expect(msgs[1]!.eventName).toBe('Next');
  });

  it('keeps a blank first line of the body', () => {
    const wire = 'Response: Follows\r\nPrivilege: Command\r\n\nContext default\n--END COMMAND--\r\n\r\nEvent: Next\r\n\r\n';
    const msgs = parseAll(wire);
    expect(msgs.map((m) => [m.kind, m.body])).toEqual([
      ['response', '\nContext default\n'],
      ['event', undefined],
    ]);
  });

  it('ends a body without the marker when a blank line is followed by a new message', () => {
    const msgs = parseAll('Response: Follows\nPrivilege: Command\nNo such command\n\nResponse: Success\n\n');
    expect(msgs.map((m) => [m.kind, m.body])).toEqual([
      ['response', 'No such command\n'],
      ['response', undefined],
    ]);
  });
});

describe('AmiParser UTF-8', () => {
  it('keeps multibyte characters split across chunks at every offset', () => {
    const wire = Buffer.from('Event: Newchannel\r\nCallerIDName: Zoë Ørsted 日本語 😀\r\n\r\n', 'utf8');
    for (let at = 0; at <= wire.length; at++) {
      const { parser, messages } = collect();
      parser.push(wire.subarray(0, at));
      parser.push(wire.subarray(at));
      parser.end();
      expect(messages[0]!.get('CallerIDName')).toBe('Zoë Ørsted 日本語 😀');
    }
  });

  it('keeps them fed one byte at a time', () => {
    const { parser, messages } = collect();
    for (const b of Buffer.from('Event: X\r\nName: 😀é\r\n\r\n')) parser.push(Buffer.from([b]));
    expect(messages[0]!.get('Name')).toBe('😀é');
  });
});

describe('AmiParser limits', () => {
  const max = 4096;

  it('drops an oversized message with an AmiFrameError and resynchronises at the next blank line', () => {
    const { parser, messages, errors } = collect({ maxMessageBytes: max });
    const big = crlf(['Event: Huge', ...Array.from({ length: 200 }, (_, i) => `Filler${i}: ${'x'.repeat(40)}`), '']);
    const wire = Buffer.from(`${big}Event: After\r\nUniqueid: 1.2\r\n\r\n`);
    for (let at = 0; at < wire.length; at += 1000) parser.push(wire.subarray(at, at + 1000));
    parser.end();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AmiFrameError);
    expect(errors[0]!.context).toMatchObject({ firstLine: 'Event: Huge', max });
    expect(errors[0]!.context['size']).toBeGreaterThan(max);
    expect(messages.map(plain)).toEqual([
      {
        kind: 'event',
        headers: [
          ['Event', 'After'],
          ['Uniqueid', '1.2'],
        ],
      },
    ]);
  });

  it('drops one over-long line; a chunk boundary inside its CRLF is not taken for a blank line', () => {
    const { parser, messages, errors } = collect({ maxMessageBytes: max });
    parser.push(Buffer.from(`Event: Long\r\nData: ${'y'.repeat(max * 2)}\r`));
    parser.push(Buffer.from('\nMore: z\r\n\r\nEvent: Fine\r\n\r\n'));
    expect(errors).toHaveLength(1);
    expect(messages.map((m) => m.eventName)).toEqual(['Fine']);
  });

  it('keeps memory bounded under 50 MB of one never-ending line, then parses again', () => {
    const { parser, messages, errors } = collect({ maxMessageBytes: max * 16 });
    const garbage = Buffer.alloc(64 * 1024, 'g');
    let most = 0;
    for (let sent = 0; sent < 50 * 1024 * 1024; sent += garbage.length) {
      parser.push(garbage);
      most = Math.max(most, parser.bufferedChars);
    }
    expect(most).toBeLessThanOrEqual(max * 16);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.context['firstLine']).toMatch(/^g{200}$/);
    parser.push(Buffer.from('\r\n\r\nEvent: Alive\r\n\r\n'));
    expect(messages.map((m) => m.eventName)).toEqual(['Alive']);
    expect(parser.bufferedChars).toBe(0);
  });

  it('keeps memory bounded under an endless message of short lines', () => {
    const { parser, errors } = collect({ maxMessageBytes: max });
    const lines = Buffer.from('Event: Endless\r\n' + 'K: v\r\n'.repeat(10_000));
    let most = 0;
    for (let i = 0; i < 100; i++) {
      parser.push(lines);
      most = Math.max(most, parser.bufferedChars);
    }
    expect(most).toBeLessThanOrEqual(max);
    expect(errors).toHaveLength(1);
  });

  it('names the first line of a message dropped after growing over many small chunks', () => {
    const { parser, messages, errors } = collect({ maxMessageBytes: 1000 });
    const wire = Buffer.from('Event: Growing\r\n' + 'Key: value\r\n'.repeat(200) + '\r\nEvent: Next\r\n\r\n');
    for (let at = 0; at < wire.length; at += 7) parser.push(wire.subarray(at, at + 7));
    expect(errors.map((e) => e.context['firstLine'])).toEqual(['Event: Growing']);
    expect(messages.map((m) => m.eventName)).toEqual(['Next']);
  });
});

describe('message helpers', () => {
  const msg = new AmiMessage('event', [
    ['Event', 'Newchannel'],
    ['chanvariable', 'A=1'],
    ['ChanVariable', 'B=2'],
    ['Uniqueid', '1.1'],
  ]);

  it('get returns the first value, matching the key in any case', () => {
    expect(msg.get('ChanVariable')).toBe('A=1');
    expect(msg.get('UNIQUEID')).toBe('1.1');
    expect(msg.get('Uniqueid2')).toBeUndefined();
  });

  it('all returns every value in order; eventName only for events', () => {
    expect(msg.all('chanVariable')).toEqual(['A=1', 'B=2']);
    expect(msg.eventName).toBe('Newchannel');
    expect(new AmiMessage('response', [['Response', 'Success']]).eventName).toBeUndefined();
  });
});

describe('AmiMessage over text: fields read from the text, headers split on demand', () => {
  const text = 'Event: Newchannel\r\nuniqueid: 1.1\r\nChannel: SIP/a-1\r\nAppData: a:b: c\r\nEmpty:\r\nChannel: second\r\nno colon\r\nSpaced:  two';

  it('is what the parser delivers for an ordinary message, with the text it read', () => {
    const [msg] = parseAll(`${text}\r\n\r\n`);
    expect(msg).toEqual(new AmiMessage('event', `${text}\r\n`));
  });

  it('get reads the first value of a key in any ASCII case, as split headers give it', () => {
    const msg = new AmiMessage('event', text);
    expect(msg.get('Channel')).toBe('SIP/a-1');
    expect(msg.get('UNIQUEID')).toBe('1.1');
    expect(msg.get('AppData')).toBe('a:b: c');
    expect(msg.get('Empty')).toBe('');
    expect(msg.get('no colon')).toBe('');
    expect(msg.get('Spaced')).toBe(' two');
    expect(msg.get('Chan')).toBeUndefined();
    expect(msg.get('Missing')).toBeUndefined();
    expect(msg.headers).toEqual([
      ['Event', 'Newchannel'],
      ['uniqueid', '1.1'],
      ['Channel', 'SIP/a-1'],
      ['AppData', 'a:b: c'],
      ['Empty', ''],
      ['Channel', 'second'],
      ['no colon', ''],
      ['Spaced', ' two'],
    ]);
    expect(msg.get('channel')).toBe('SIP/a-1');
  });

  it('reads LF-only text and a last line without its line end', () => {
    const msg = new AmiMessage('event', 'Event: Hangup\nCause: 16\nCause-txt: Normal Clearing');
    expect(msg.get('Cause')).toBe('16');
    expect(msg.get('cause-TXT')).toBe('Normal Clearing');
    expect(msg.eventName).toBe('Hangup');
  });

  it('does not fold non-letters: Asterisk compares names with strcasecmp', () => {
    const msg = new AmiMessage('event', 'Event: X\r\nA-B: 1\r\n');
    expect(msg.get('a-b')).toBe('1');
    expect(msg.get('a\rb')).toBeUndefined();
  });

  it('prints as its kind and split headers', () => {
    expect(JSON.parse(JSON.stringify(new AmiMessage('response', 'Response: Success\r\nPing: Pong\r\n')))).toEqual({
      kind: 'response',
      headers: [
        ['Response', 'Success'],
        ['Ping', 'Pong'],
      ],
    });
  });
});

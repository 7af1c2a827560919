import { describe, expect, it } from 'vitest';
import { checkHeaders, serializeAction, toHeaderList } from '../src/shared/ami/serializer.js';
import { AmiSerializeError } from '../src/shared/ami/errors.js';
import { parseAll } from '../src/shared/ami/parser.js';
import type { AmiHeader } from '../src/shared/ami/message.js';

function refusal(fn: () => unknown): AmiSerializeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AmiSerializeError);
    return err as AmiSerializeError;
  }
  return expect.fail('expected an AmiSerializeError');
}

describe('serializeAction', () => {
  it('writes Action first, CRLF after each header and a blank line at the end', () => {
    expect(serializeAction('Ping', { ActionID: 'p1' })).toBe('Action: Ping\r\nActionID: p1\r\n\r\n');
  });

  it('repeats a key for each array item, in order, and keeps pair order', () => {
    const wire = serializeAction('Originate', {
      Channel: 'Local/100@default',
      Variable: ['A=1', 'B=2', 'C=3'],
      Timeout: 30000,
      Skipped: undefined,
    });
    expect(wire).toBe('Action: Originate\r\nChannel: Local/100@default\r\nVariable: A=1\r\nVariable: B=2\r\nVariable: C=3\r\nTimeout: 30000\r\n\r\n');
    const pairs: AmiHeader[] = [
      ['Variable', 'X=1'],
      ['Channel', 'SIP/1'],
      ['Variable', 'Y=2'],
    ];
    expect(serializeAction('Originate', pairs)).toBe('Action: Originate\r\nVariable: X=1\r\nChannel: SIP/1\r\nVariable: Y=2\r\n\r\n');
  });

  it('round-trips through the parser', () => {
    const wire = serializeAction('Originate', { Channel: 'Local/1@x', Variable: ['A=1', 'B=2'], Async: 'true' });
    expect(parseAll(wire)[0]!.headers).toEqual([
      ['Action', 'Originate'],
      ['Channel', 'Local/1@x'],
      ['Variable', 'A=1'],
      ['Variable', 'B=2'],
      ['Async', 'true'],
    ]);
  });

  it('allows empty values', () => {
    expect(serializeAction('Command', { Command: '' })).toBe('Action: Command\r\nCommand: \r\n\r\n');
  });

  for (const [label, bad] of [
    ['CR', 'a\rb'],
    ['LF', 'a\nAction: Originate'],
    ['CRLF CRLF (injection)', 'x\r\n\r\nAction: Originate'],
    ['NUL', 'a\0b'],
  ] as const) {
    it(`refuses ${label} in a value, naming the header`, () => {
      const err = refusal(() => serializeAction('Originate', { Channel: 'SIP/1', Callerid: bad }));
      expect(err.header).toBe('Callerid');
      expect(err.context['header']).toBe('Callerid');
      expect(err.message).toContain('Callerid');
    });

    it(`refuses ${label} in a key`, () => {
      const key = `X${bad}`;
      const err = refusal(() => serializeAction('Originate', [[key, 'v']]));
      expect(err.header).toBe(key);
    });
  }

  it('refuses CR or LF in the action name itself', () => {
    expect(refusal(() => serializeAction('Ping\r\n\r\nAction: Originate')).header).toBe('Action');
  });

  for (const key of ['Bad Key', 'Key:', 'Ké', 'a.b', '', 'Var=1']) {
    it(`refuses the key ${JSON.stringify(key)} (outside [A-Za-z0-9_-])`, () => {
      expect(refusal(() => serializeAction('Ping', [[key, 'v']])).header).toBe(key);
    });
  }

  it('accepts keys made of letters, digits, _ and -', () => {
    expect(serializeAction('Ping', [['X-Custom_Header9', 'v']])).toContain('X-Custom_Header9: v\r\n');
  });

  describe('line length, counting `Key: value\\r\\n` in UTF-8 bytes', () => {
    const overhead = 'Data: '.length + 2;

    it('accepts a line of 1023 bytes', () => {
      const value = 'a'.repeat(1023 - overhead);
      const wire = serializeAction('Ping', { Data: value });
      expect(Buffer.byteLength(`Data: ${value}\r\n`)).toBe(1023);
      expect(wire).toContain(value);
    });

    it('refuses a line of 1024 bytes, naming the header and the size', () => {
      const err = refusal(() => serializeAction('Ping', { Data: 'a'.repeat(1024 - overhead) }));
      expect(err.header).toBe('Data');
      expect(err.context['bytes']).toBe(1024);
    });

    it('counts multibyte characters as their UTF-8 bytes', () => {
      // 'é' is 2 bytes: 507 of them plus 1 ASCII byte make a 1023-byte line, one more ASCII byte 1024.
      expect(() => serializeAction('Ping', { Data: 'é'.repeat(507) + 'a' })).not.toThrow();
      const err = refusal(() => serializeAction('Ping', { Data: 'é'.repeat(507) + 'aa' }));
      expect(err.context['bytes']).toBe(1024);
    });
  });

  describe('header count', () => {
    const many = (n: number): AmiHeader[] => Array.from({ length: n }, (_, i) => ['Variable', `V${i}=1`]);

    it('accepts 100 headers (Action included)', () => {
      expect(() => serializeAction('Originate', many(99))).not.toThrow();
    });

    it('refuses 101 headers, naming the first one over the limit', () => {
      const err = refusal(() => serializeAction('Originate', many(100)));
      expect(err.header).toBe('Variable');
      expect(err.context['count']).toBe(101);
    });
  });

  it('refuses an Action header given among the headers, whatever its case', () => {
    expect(refusal(() => serializeAction('Ping', { Action: 'Originate' })).header).toBe('Action');
    expect(refusal(() => serializeAction('Ping', [['action', 'Originate']])).header).toBe('Action');
  });
});

describe('checkHeaders and toHeaderList', () => {
  it('returns null for a clean list and the error for a bad one, without throwing', () => {
    expect(checkHeaders([['Channel', 'SIP/1']])).toBeNull();
    const err = checkHeaders([
      ['Channel', 'SIP/1'],
      ['Exten', '1\r\n'],
    ]);
    expect(err).toBeInstanceOf(AmiSerializeError);
    expect(err!.header).toBe('Exten');
  });

  it('flattens records: arrays repeat, numbers become strings, undefined is left out', () => {
    expect(toHeaderList({ A: '1', B: ['x', 'y'], C: 3, D: undefined })).toEqual([
      ['A', '1'],
      ['B', 'x'],
      ['B', 'y'],
      ['C', '3'],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { AmiMessage } from '../src/shared/ami/message.js';
import { parseAll } from '../src/shared/ami/parser.js';
import { captureNames, readCapture } from './helpers/ami-captures.js';

const raw = (text: string): AmiMessage => new AmiMessage('event', text);
/** What headersJson must equal: the split headers through JSON.stringify (of another message over the same text). */
const expected = (text: string): string => JSON.stringify(raw(text).headers);

describe('headersJson', () => {
  it('equals JSON.stringify of the headers for every message of every capture', () => {
    let checked = 0;
    for (const name of captureNames()) {
      for (const m of parseAll(readCapture(name))) {
        expect(m.headersJson(), `${name}: ${JSON.stringify(m.headers).slice(0, 80)}`).toBe(JSON.stringify(m.headers));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it.each([
    ['LF line ends', 'Event: Hangup\nUniqueid: 1.2\n'],
    ['no final line end', 'Event: Hangup\r\nCause: 16'],
    ['a line without a colon', 'Event: Hangup\r\nno colon here\r\n'],
    ['an empty value', 'Event: Hangup\r\nCallerIDName:\r\n'],
    ['two spaces after the colon', 'Event: Hangup\r\nCause:  16\r\n'],
    ['no space after the colon', 'Event:Hangup\r\n'],
    ['colons in the value', 'Event: VarSet\r\nValue: a:b: c\r\n'],
    ['an empty key', ': value\r\n'],
    ['non-ASCII text', 'Event: Newchannel\r\nCallerIDName: José 王小明 ☎\r\n'],
    ['a quote', 'Event: UserEvent\r\nData: say "hi"\r\n'],
    ['a backslash', 'Event: UserEvent\r\nPath: C:\\tmp\r\n'],
    ['a tab', 'Event: UserEvent\r\nData: a\tb\r\n'],
    ['a lone CR inside a value', 'Event: UserEvent\r\nData: a\rb\r\n'],
    ['a CR before a CR LF', 'Event: UserEvent\r\nData: ab\r\r\n'],
    ['DEL', 'Event: UserEvent\r\nData: a\u007fb\r\n'],
    ['no text', ''],
  ])('keeps the parser’s split with %s', (_label, text) => {
    const m = raw(text);
    expect(m.headersJson()).toBe(expected(text));
    expect(JSON.parse(m.headersJson())).toEqual(m.headers);
  });

  it('writes a message too long for its buffer through JSON.stringify, the same text', () => {
    const text = `Event: UserEvent\r\nData: ${'x'.repeat(20_000)}\r\n`;
    expect(raw(text).headersJson()).toBe(expected(text));
  });

  it('writes a plain message (Follows responses, tests) through JSON.stringify', () => {
    const m = new AmiMessage('event', [
      ['Event', 'Hangup'],
      ['Cause', '16'],
    ]);
    expect(m.headersJson()).toBe('[["Event","Hangup"],["Cause","16"]]');
  });
});

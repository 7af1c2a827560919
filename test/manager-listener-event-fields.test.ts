import { describe, expect, it } from 'vitest';
import { AmiMessage, type AmiHeader } from '../src/shared/ami/message.js';
import { parseAll } from '../src/shared/ami/parser.js';
import { readEvent, WANTED as KEYS } from '../src/manager-listener/event-fields.js';
import { captureNames, readCapture } from './helpers/ami-captures.js';

/** Everything readEvent gives, as plain data. */
function reading(m: AmiMessage): object {
  const ev = readEvent(m);
  return { name: ev.name, refs: ev.refs, fields: KEYS.map((k) => ev.get(k)) };
}

const plain = (m: AmiMessage): AmiMessage =>
  new AmiMessage(
    m.kind,
    m.headers.map(([k, v]) => [k, v] as AmiHeader),
  );
const text = (headers: string[]): AmiMessage => new AmiMessage('event', headers.join('\r\n') + '\r\n');

describe('readEvent', () => {
  it('reads the text of every captured event as it reads the split headers', () => {
    let events = 0;
    for (const name of captureNames()) {
      // Each event read from its text (a fresh parse, never split) and from split headers.
      const fresh = parseAll(readCapture(name));
      parseAll(readCapture(name)).forEach((m, i) => {
        if (m.kind !== 'event') return;
        expect(reading(fresh[i]!), `${name}: ${JSON.stringify(m.headers).slice(0, 60)}`).toEqual(reading(plain(m)));
        events++;
      });
    }
    expect(events).toBeGreaterThan(500);
  });

  it('finds keys whatever their case, keeps values as sent, and takes the first of a repeated key', () => {
    const ev = readEvent(text(['EVENT: Hangup', 'uniqueID: 1.5', 'CHANNEL: SIP/a-1', 'Cause: 16', 'cause: 17', 'Cause-TXT: Normal Clearing']));
    expect(ev.name).toBe('hangup');
    expect(ev.get('cause')).toBe('16');
    expect(ev.get('cause-txt')).toBe('Normal Clearing');
    expect(ev.refs).toEqual([expect.objectContaining({ prefix: '', uniqueid: '1.5', channel: 'SIP/a-1' })]);
  });

  it('reads prefixed snapshots and AMIQ_ID from every ChanVariable spelling', () => {
    const ev = readEvent(
      text([
        'Event: DialBegin',
        'Channel: Local/100@default-00000001;1',
        'Uniqueid: 1.1',
        'ChanVariable: AMIQ_ID=42',
        'DestChannel: SIP/b-2',
        'DestUniqueid: 1.2',
        'DestChannelState: 5',
        'DestChanVariable(SIP/b-2): AMIQ_ID=43',
        'LocalOneLinkedid: 1.0',
      ]),
    );
    expect(ev.refs.map((r) => [r.prefix, r.uniqueid, r.amiqId, r.state, r.linkedid])).toEqual([
      ['', '1.1', '42', undefined, undefined],
      ['dest', '1.2', '43', '5', undefined],
      ['localone', undefined, undefined, undefined, '1.0'],
    ]);
  });

  it('skips keys that only start like a known one', () => {
    const ev = readEvent(text(['Event: Newexten', 'Channelx: no', 'ChannelStateDesc: Up', 'Uniqueids: no', 'Uniqueid: 1.9']));
    expect(ev.refs).toEqual([expect.objectContaining({ prefix: '', channel: undefined, uniqueid: '1.9', state: undefined })]);
  });
});

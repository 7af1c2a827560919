import { findValue, keyAt, sameKey, type HeaderKeys } from './header-key.js';
import { lineEnd, splitRange, valueStart, type AmiHeader } from './header-line.js';
import { headersJsonOf } from './headers-json.js';

export type { AmiHeader } from './header-line.js';

/** Classified by the first line only: OriginateResponse is an event that also has a Response key. */
export type AmiMessageKind = 'banner' | 'response' | 'event' | 'other';

/** A message as plain data: what it prints and logs as. */
export interface AmiMessageData {
  kind: AmiMessageKind;
  headers: AmiHeader[];
  body?: string;
}

/** What `AmiMessage.scan` hands each header whose key was asked for: the key's index in the HeaderKeys, and its value. */
export interface HeaderSink {
  take(id: number, value: string): void;
}

/**
 * One AMI message. Headers are an ordered list: AMI repeats keys (ChanVariable, Variable, Output)
 * and their order and case matter to callers and to `decode`. Keys are looked up as Asterisk
 * does, ASCII case ignored.
 *
 * The parser makes most messages over their header text, split into `[key, value]` pairs only
 * when `headers` is first read: most events are routed on a field or two (the name, an
 * ActionID, a Uniqueid) or dropped, and `get`, `eventName`, `scan` and `headersJson` read the
 * text in place.
 */
export class AmiMessage {
  /** The header lines, each ended by LF or CRLF (the last may lack it); undefined for a message made of split headers. */
  private readonly text: string | undefined;
  private split: AmiHeader[] | undefined;

  /** `lines`: the header text as the parser read it, or split headers (a Follows response, the simulator's, a test's). */
  constructor(
    readonly kind: AmiMessageKind,
    lines: string | AmiHeader[],
    /** Raw text of a legacy `Response: Follows` body, without the `--END COMMAND--` marker. */
    readonly body?: string,
  ) {
    // Both fields always set: every message has one shape, which keeps the parser's hot path monomorphic.
    this.text = typeof lines === 'string' ? lines : undefined;
    this.split = typeof lines === 'string' ? undefined : lines;
  }

  get headers(): AmiHeader[] {
    return (this.split ??= splitLines(this.text!));
  }

  /** First value of header `key` (a name, no colon), or undefined. */
  get(key: string): string | undefined {
    const text = this.text;
    if (this.split !== undefined || text === undefined) return findValue(this.headers, key);
    const klen = key.length;
    for (let at = 0; at < text.length;) {
      let nl = text.indexOf('\n', at);
      if (nl === -1) nl = text.length;
      const end = lineEnd(text, at, nl);
      const after = at + klen;
      if (after <= end && keyAt(text, at, key)) {
        // A header name holds no colon, so the first colon of a matching line follows it.
        if (after === end) return '';
        if (text.charCodeAt(after) === 58) return text.slice(valueStart(text, after, end), end);
      }
      at = nl + 1;
    }
    return undefined;
  }

  /** Every value of `key`, in order. */
  all(key: string): string[] {
    const out: string[] = [];
    for (const [k, v] of this.headers) if (sameKey(k, key)) out.push(v);
    return out;
  }

  /** The event name (`Event:` value), or undefined for a message that is not an event. */
  get eventName(): string | undefined {
    if (this.kind !== 'event') return undefined;
    const text = this.text;
    if (text === undefined) return this.headers[0]?.[1];
    let end = text.indexOf('\n');
    if (end === -1) end = text.length;
    end = lineEnd(text, 0, end);
    const colon = text.indexOf(':');
    if (colon === -1 || colon >= end) return '';
    return text.slice(valueStart(text, colon, end), end);
  }

  /** Hand `sink` each header whose key is one of `keys`, in order; no other value is cut out. */
  scan(keys: HeaderKeys, sink: HeaderSink): void {
    const text = this.text;
    if (text === undefined) {
      for (const [key, value] of this.headers) {
        const id = keys.match(key, 0, key.length);
        if (id >= 0) sink.take(id, value);
      }
      return;
    }
    for (let at = 0; at < text.length;) {
      let nl = text.indexOf('\n', at);
      if (nl === -1) nl = text.length;
      const end = lineEnd(text, at, nl);
      const colon = text.indexOf(':', at);
      // A line without a colon is all key, with an empty value.
      const keyEnd = colon === -1 || colon > end ? end : colon;
      const id = keys.match(text, at, keyEnd);
      if (id >= 0) sink.take(id, keyEnd === end ? '' : text.slice(valueStart(text, colon, end), end));
      at = nl + 1;
    }
  }

  /** The headers as JSON text: exactly `JSON.stringify(headers)`, without splitting them when it can. */
  headersJson(): string {
    return (this.text !== undefined && headersJsonOf(this.text)) || JSON.stringify(this.headers);
  }

  /** Logged or printed as the plain message it stands for. */
  toJSON(): AmiMessageData {
    return this.body === undefined ? { kind: this.kind, headers: this.headers } : { kind: this.kind, headers: this.headers, body: this.body };
  }
}

function splitLines(text: string): AmiHeader[] {
  const out: AmiHeader[] = [];
  for (let at = 0; at < text.length;) {
    let nl = text.indexOf('\n', at);
    if (nl === -1) nl = text.length;
    out.push(splitRange(text, at, lineEnd(text, at, nl)));
    at = nl + 1;
  }
  return out;
}

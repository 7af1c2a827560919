import type { AmiHeader, AmiMessage, AmiMessageKind } from './message.js';
import { findValue, keyAt } from './header-key.js';

/**
 * A message as the parser read it: its header lines kept as one string and split into
 * `[key, value]` pairs only when `headers` is first read. Most events are routed on a field or
 * two (the name, an ActionID, a Uniqueid) or dropped; `get` reads one field from the text
 * without splitting the rest.
 */
export class RawMessage implements AmiMessage {
  private split: AmiHeader[] | undefined;

  /** `text`: the header lines, each ended by LF or CRLF (the last may lack it). */
  constructor(
    readonly kind: AmiMessageKind,
    readonly text: string,
  ) {}

  get headers(): AmiHeader[] {
    return (this.split ??= splitLines(this.text));
  }

  /** First value of header `key` (a name, no colon; ASCII case ignored), as read from `headers`. */
  get(key: string): string | undefined {
    if (this.split !== undefined) return findValue(this.split, key);
    const text = this.text;
    const klen = key.length;
    for (let at = 0; at < text.length; ) {
      let nl = text.indexOf('\n', at);
      if (nl === -1) nl = text.length;
      const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const after = at + klen;
      if (after <= end && keyAt(text, at, key)) {
        // A header name holds no colon, so the first colon of a matching line follows it.
        if (after === end) return '';
        if (text.charCodeAt(after) === 58) {
          return text.slice(valueStart(text, after, end), end);
        }
      }
      at = nl + 1;
    }
    return undefined;
  }

  /** The first line's value: the event name of an event, the status of a response. */
  firstValue(): string {
    const text = this.text;
    let end = text.indexOf('\n');
    if (end === -1) end = text.length;
    if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
    const colon = text.indexOf(':');
    if (colon === -1 || colon >= end) return '';
    return text.slice(valueStart(text, colon, end), end);
  }

  /** Logged or printed as the plain message it stands for. */
  toJSON(): AmiMessage {
    return { kind: this.kind, headers: this.headers };
  }
}

/** Where the value of a line ending at `end` starts, its key's colon at `colon`: one space after the colon separates, the rest is value. */
export function valueStart(text: string, colon: number, end: number): number {
  return colon + 1 < end && text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
}

/** `Key: value` split on the first colon (valueStart), or `[line, '']` without one. */
export function splitRange(text: string, start: number, end: number): AmiHeader {
  const colon = text.indexOf(':', start);
  if (colon === -1 || colon >= end) return [text.slice(start, end), ''];
  return [text.slice(start, colon), text.slice(valueStart(text, colon, end), end)];
}

function splitLines(text: string): AmiHeader[] {
  const out: AmiHeader[] = [];
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl === -1) nl = text.length;
    const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    out.push(splitRange(text, at, end));
    at = nl + 1;
  }
  return out;
}

import { RawMessage } from './raw-message.js';
import { findValue, sameKey } from './header-key.js';

/**
 * One AMI message as it came off the wire. Headers stay an ordered list: AMI repeats keys
 * (ChanVariable, Variable, Output) and their order and case matter to callers and to `decode`.
 * The parser delivers `RawMessage`s, whose headers are split from the text on first read.
 */
export type AmiHeader = [key: string, value: string];

/** Classified by the first line only: OriginateResponse is an event that also has a Response key. */
export type AmiMessageKind = 'banner' | 'response' | 'event' | 'other';

export interface AmiMessage {
  kind: AmiMessageKind;
  headers: AmiHeader[];
  /** Raw text of a legacy `Response: Follows` body, without the `--END COMMAND--` marker. */
  body?: string;
}

/** First value of `key` (ASCII case ignored, as Asterisk looks headers up), or undefined. */
export function getHeader(msg: AmiMessage, key: string): string | undefined {
  return msg instanceof RawMessage ? msg.get(key) : findValue(msg.headers, key);
}

/** Every value of `key`, in order (ASCII case ignored). */
export function getHeaders(msg: AmiMessage, key: string): string[] {
  const out: string[] = [];
  for (const [k, v] of msg.headers) if (sameKey(k, key)) out.push(v);
  return out;
}

/** The event name (`Event:` value) or undefined for non-events. */
export function eventName(msg: AmiMessage): string | undefined {
  if (msg.kind !== 'event') return undefined;
  return msg instanceof RawMessage ? msg.firstValue() : msg.headers[0]?.[1];
}

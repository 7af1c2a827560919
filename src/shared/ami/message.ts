/**
 * One AMI message as it came off the wire. Headers stay an ordered list: AMI repeats keys
 * (ChanVariable, Variable, Output) and their order and case matter to callers and to `decode`.
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

/** First value of `key` (case-insensitive, as Asterisk looks headers up), or undefined. */
export function getHeader(msg: AmiMessage, key: string): string | undefined {
  const headers = msg.headers;
  const lower = key.toLowerCase();
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    // Exact case first: the usual hit, and no lower-casing of every key on a busy event stream.
    if (h[0] === key || (h[0].length === key.length && h[0].toLowerCase() === lower)) return h[1];
  }
  return undefined;
}

/** Every value of `key`, in order (case-insensitive). */
export function getHeaders(msg: AmiMessage, key: string): string[] {
  const lower = key.toLowerCase();
  const out: string[] = [];
  for (const [k, v] of msg.headers) if (k.toLowerCase() === lower) out.push(v);
  return out;
}

/** The event name (`Event:` value) or undefined for non-events. */
export function eventName(msg: AmiMessage): string | undefined {
  return msg.kind === 'event' ? msg.headers[0]?.[1] : undefined;
}

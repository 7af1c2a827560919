import type { AmiHeader } from './message.js';
import { AmiSerializeError } from './errors.js';

/** Headers of an action to send: ordered pairs, or an object whose array values repeat the key. */
export type ActionHeaders = AmiHeader[] | Record<string, string | number | readonly string[] | undefined>;

export const MAX_LINE_BYTES = 1024;
export const MAX_HEADERS = 100;

const KEY = /^[A-Za-z0-9_-]+$/;
const FORBIDDEN = /[\r\n\0]/;

/** Flatten either header form to ordered pairs; undefined values are left out. */
export function toHeaderList(headers: ActionHeaders): AmiHeader[] {
  if (Array.isArray(headers)) return headers as AmiHeader[];
  const out: AmiHeader[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push([key, String(v)]);
    else out.push([key, String(value)]);
  }
  return out;
}

/**
 * Check every header against the AMI injection rules (SPEC §5) and return the first breach as
 * an error naming the header, or null. A CR or LF would end the header and a blank line would
 * start a new action with this session's rights, so nothing is ever stripped silently.
 */
export function checkHeaders(headers: readonly AmiHeader[]): AmiSerializeError | null {
  if (headers.length > MAX_HEADERS) {
    return new AmiSerializeError(`${headers.length} headers: at most ${MAX_HEADERS} are allowed`, String(headers[MAX_HEADERS]?.[0] ?? ''), {
      count: headers.length,
    });
  }
  for (const [key, value] of headers) {
    if (!KEY.test(key)) {
      return new AmiSerializeError(`header name ${JSON.stringify(key)} must match [A-Za-z0-9_-]+`, key);
    }
    if (FORBIDDEN.test(value)) {
      return new AmiSerializeError(`header ${key}: value contains CR, LF or NUL`, key);
    }
    const bytes = Buffer.byteLength(key) + 2 + Buffer.byteLength(value) + 2;
    if (bytes >= MAX_LINE_BYTES) {
      return new AmiSerializeError(`header ${key}: line of ${bytes} bytes, must be under ${MAX_LINE_BYTES}`, key, { bytes });
    }
  }
  return null;
}

/**
 * Serialize one action to its wire form (`Action: X\r\n...\r\n\r\n`). Throws AmiSerializeError,
 * before anything could be written, when a header breaks a rule.
 */
export function serializeAction(action: string, headers: ActionHeaders = []): string {
  const list: AmiHeader[] = [['Action', action], ...toHeaderList(headers)];
  const dup = list.findIndex(([k], i) => i > 0 && k.toLowerCase() === 'action');
  if (dup !== -1) throw new AmiSerializeError('header Action: given by the action name, not as a header', 'Action');
  const err = checkHeaders(list);
  if (err) throw err;
  let out = '';
  for (const [key, value] of list) out += `${key}: ${value}\r\n`;
  return out + '\r\n';
}

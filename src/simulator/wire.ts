import type { AmiHeader } from '../shared/ami/message.js';

/** One server-side message in AMI framing: `Key: Value` lines ended by CRLF, then a blank line. */
export function frame(headers: readonly AmiHeader[]): string {
  let out = '';
  for (const [k, v] of headers) out += `${k}: ${v}\r\n`;
  return out + '\r\n';
}

const STATE_DESC = ['Down', 'Rsrvd', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy', 'Dialing Offhook', 'Pre-ring'];

/** ast_state2str. */
export function stateDesc(state: number): string {
  return STATE_DESC[state] ?? `Unknown (${state})`;
}

export const STATE = { Down: 0, Ring: 4, Ringing: 5, Up: 6, Busy: 7 } as const;

/** Cause texts as Asterisk prints them in Cause-txt (causes.h / ast_cause2str). */
const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  2: 'No route to specified transmit network',
  3: 'No route to destination',
  6: 'Channel unacceptable',
  7: 'Call awarded and being delivered in an established channel',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  22: 'Number changed',
  27: 'Destination out of order',
  28: 'Invalid number format',
  29: 'Facility rejected',
  30: 'Response to STATus ENQuiry',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  43: 'Access information discarded',
  44: 'Requested channel not available',
  47: 'Resource unavailable, unspecified',
  58: 'Bearer capability not available',
  65: 'Bearer capability not implemented',
  66: 'Channel not implemented',
  69: 'Facility not implemented',
  81: 'Invalid call reference value',
  88: 'Incompatible destination',
  95: 'Invalid message unspecified',
  96: 'Mandatory information element is missing',
  97: 'Message type nonexist.',
  98: 'Wrong message',
  99: 'Info. element nonexist or not implemented',
  100: 'Invalid information element contents',
  101: 'Message not compatible with call state',
  102: 'Recover on timer expiry',
  111: 'Protocol error, unspecified',
  127: 'Interworking, unspecified',
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}

/** HH:MM:SS of a duration in ms. */
export function hms(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}

/** `2026-11-22T05:12:32.745+0000`, the security events' EventTV. */
export function eventTv(now: number = Date.now()): string {
  return new Date(now).toISOString().replace('Z', '+0000');
}

/** `<sec>.<usec>` as in Ping's Timestamp. */
export function timestamp(now: number = Date.now()): string {
  const us = Math.floor((now % 1000) * 1000);
  return `${Math.floor(now / 1000)}.${String(us).padStart(6, '0')}`;
}

const C_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '?': '\\?',
};

/** ast_escape_c_alloc (13.5+): what some event values go through so CR/LF cannot break framing. */
export function escapeC(s: string): string {
  return s.replace(/[\x07\b\f\n\r\t\v\\'"?]/g, (c) => C_ESCAPES[c] ?? c);
}

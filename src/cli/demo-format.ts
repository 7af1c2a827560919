import type { QueueRow } from '../shared/db/schema.js';
import { TERMINAL_STATUSES } from '../shared/db/schema.js';
import { callReasonText } from './call-reason.js';

/** The columns the demo follows; one small query every poll. */
export const DEMO_COLUMNS = [
  'id',
  'action',
  'channel',
  'callerid',
  'status',
  'message',
  'call_state',
  'call_reason',
  'call_channel',
  'answered_at',
  'hangup_cause',
  'hangup_cause_txt',
] as const;
export type DemoRow = Pick<QueueRow, (typeof DEMO_COLUMNS)[number]>;

/**
 * Done moving: a terminal status and, for an Originate Asterisk accepted, a call that ended or
 * failed (an accepted Originate's status is SUCCESS long before the call is over).
 */
export function settled(row: DemoRow): boolean {
  if (!TERMINAL_STATUSES.includes(row.status)) return false;
  if (row.action !== 'Originate' || row.status !== 'SUCCESS') return true;
  return row.call_state === 'ENDED' || row.call_state === 'FAILED';
}

/** What a Redirect/Hangup acts on: its channel, or the call of the Originate its callerid names. */
export function target(row: { channel?: string | null; callerid?: string | null }): string {
  return row.channel ?? `callerid ${row.callerid ?? '?'}`;
}

/**
 * One row as one line, with only the parts that are set: the sender's status (and why, when it
 * did not succeed), then the listener's call state, reason, hangup cause and real channel.
 */
export function formatRow(row: DemoRow): string {
  const parts = [`#${row.id}`.padEnd(4), row.action.padEnd(9), target(row).padEnd(18), row.status.padEnd(7)];
  if (row.message !== null && row.status !== 'SUCCESS' && row.status !== 'SENT') parts.push(`(${row.message})`);
  if (row.call_state !== null) parts.push(`call ${row.call_state}`);
  if (row.call_reason !== null) parts.push(`reason ${callReasonText(row.call_reason)}`);
  if (row.hangup_cause !== null) parts.push(`cause ${row.hangup_cause} ${row.hangup_cause_txt ?? ''}`.trimEnd());
  if (row.call_channel !== null) parts.push(`on ${row.call_channel}`);
  return parts.join('  ').trimEnd();
}

/** Seconds since the demo started, as a fixed-width prefix. */
export function elapsed(sinceMs: number, nowMs = Date.now()): string {
  return `+${((nowMs - sinceMs) / 1000).toFixed(1)}s`.padStart(7);
}

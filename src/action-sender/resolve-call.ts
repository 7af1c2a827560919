import type { QueueRow } from '../shared/db/schema.js';

export type Resolution = { ok: true; channel: string } | { ok: false; message: string };

/**
 * Which live channel a Redirect/Hangup by callerid acts on: the Originate's call_channel, while
 * that call is still going. An ended, failed or never-connected call gives a FAILED row and
 * nothing is sent (acting on a stale name could hit someone else's call).
 */
export function resolveCallChannel(callerid: string, originate: QueueRow | undefined): Resolution {
  const who = `callerid ${JSON.stringify(callerid)}`;
  if (originate === undefined) return { ok: false, message: `${who}: no Originate row has this callerid` };
  const ref = `Originate row ${originate.id}`;
  if (originate.call_state === 'ENDED' || originate.call_state === 'FAILED') {
    return { ok: false, message: `${who}: the call of ${ref} has already ended (call_state ${originate.call_state}); not sent` };
  }
  if (originate.call_channel === null || originate.call_channel === '') {
    return { ok: false, message: `${who}: the call of ${ref} never got a channel (status ${originate.status}); not sent` };
  }
  return { ok: true, channel: originate.call_channel };
}

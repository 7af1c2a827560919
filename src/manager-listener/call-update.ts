import type { CallUpdate } from '../shared/db/queue/call-columns.js';
import type { CallState } from '../shared/db/schema.js';

/** Forward-only order of call_state (SPEC §3). FAILED ranks last: an unanswered call that hung up
 * before its OriginateResponse Failure arrived still ends FAILED with the reason. */
export const STATE_RANK: Readonly<Record<CallState, number>> = { DIALING: 1, RINGING: 2, UP: 3, ENDED: 4, FAILED: 5 };

export function isFinal(state: CallState | null | undefined): boolean {
  return state === 'ENDED' || state === 'FAILED';
}

export type { CallUpdate, RowSnapshot } from '../shared/db/queue/call-columns.js';

/** Fold `next` into `into` with the column rules above (several events of one row per flush). */
export function mergeUpdate(into: CallUpdate, next: CallUpdate): void {
  if (next.uniqueid !== undefined) into.uniqueid = next.uniqueid;
  if (next.call_channel !== undefined) into.call_channel = next.call_channel;
  if (next.linkedid !== undefined) into.linkedid = next.linkedid;
  if (next.call_state !== undefined && (into.call_state === undefined || STATE_RANK[next.call_state] > STATE_RANK[into.call_state])) {
    into.call_state = next.call_state;
  }
  into.call_reason ??= next.call_reason;
  into.answered_at ??= next.answered_at;
  into.ended_at ??= next.ended_at;
  if (next.hangup_cause !== undefined) {
    if (betterCause(into.hangup_cause, next.hangup_cause)) {
      into.hangup_cause = next.hangup_cause;
      into.hangup_cause_txt = next.hangup_cause_txt;
    }
  } else if (into.hangup_cause === undefined) into.hangup_cause_txt ??= next.hangup_cause_txt;
}

/** Whether cause `next` replaces `current`: it fills an empty one, and a real cause beats 0 (never the reverse). */
function betterCause(current: number | undefined, next: number): boolean {
  return current === undefined || (current === 0 && next > 0);
}

import type { CallState } from '../shared/db/schema.js';

/** Forward-only order of call_state (SPEC §3). FAILED ranks last: an unanswered call that hung up
 * before its OriginateResponse Failure arrived still ends FAILED with the reason. */
export const STATE_RANK: Readonly<Record<CallState, number>> = { DIALING: 1, RINGING: 2, UP: 3, ENDED: 4, FAILED: 5 };

export function isFinal(state: CallState | null | undefined): boolean {
  return state === 'ENDED' || state === 'FAILED';
}

/**
 * What the listener writes to one row. Identity columns take the latest value (a rename moves
 * the name), call_state only moves up in rank, the rest are set once (the first value wins),
 * except the hangup cause: a real cause replaces 0 (a Local `;1` hangs up with 0 while its `;2`,
 * in either order, reports why), and a text alone (cause unknown, say why) fills an empty cause.
 */
export interface CallUpdate {
  id: number;
  uniqueid?: string;
  linkedid?: string;
  call_channel?: string;
  call_state?: CallState;
  call_reason?: number;
  answered_at?: string;
  ended_at?: string;
  hangup_cause?: number;
  hangup_cause_txt?: string;
}

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
export function betterCause(current: number | undefined, next: number): boolean {
  return current === undefined || (current === 0 && next > 0);
}

/** The row fields the tracker needs, as a lookup returns them. */
export interface RowSnapshot {
  id: number;
  uniqueid: string | null;
  call_channel: string | null;
  linkedid: string | null;
  call_state: CallState | null;
  answered_at: string | null;
  call_reason: number | null;
  action_id: string | null;
}

import type { CallState } from '../schema.js';

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

import type { RecordType } from '../dialect.js';

/** A state for one (server, tag): at most one NEW row carries it (the device relay's coalescing). */
export interface PendingState {
  server: string;
  tag: string;
  /** The params column's JSON text. */
  params: string;
  expires_at: string | null;
}

/** The batch's columns in the dialect's derived table (`records`): named apart from the queue's, which MySQL's SET cannot qualify. */
export const PENDING_COLUMNS: Readonly<Record<string, RecordType>> = { p_server: 'text', p_tag: 'text', p_params: 'text', p_expires_at: 'time' };

/** A batch as the rows of that derived table. */
export function pendingRecords(states: readonly PendingState[]): Record<string, unknown>[] {
  return states.map((s) => ({ p_server: s.server, p_tag: s.tag, p_params: s.params, p_expires_at: s.expires_at }));
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { CallState, Database, QueueRow, QueueStatus } from '../../shared/db/schema.js';
import type { WakeSignal } from '../../shared/db/index.js';
import { callSettled, getRow, isTerminal, placesCall } from '../../shared/queue/index.js';

/** What a caller waits for, as amiq/client's wait names it. */
export type WaitUntil = 'terminal' | 'settled' | 'ended';

export interface WaitCondition {
  until?: WaitUntil;
  status?: readonly QueueStatus[];
  callState?: readonly CallState[];
}

/** Given statuses / call states win over `until`; a row matches either list it is given. */
export function matches(c: WaitCondition): (row: QueueRow) => boolean {
  const lists = (c.status?.length ?? 0) > 0 || (c.callState?.length ?? 0) > 0;
  if (lists) return (r) => (c.status?.includes(r.status) ?? false) || (r.call_state !== null && (c.callState?.includes(r.call_state) ?? false));
  const until = c.until ?? 'settled';
  if (until === 'terminal') return isTerminal;
  if (until === 'ended') return (r) => isTerminal(r) && (!placesCall(r) || r.call_state === 'ENDED' || r.call_state === 'FAILED');
  return (r) => isTerminal(r) && (!placesCall(r) || callSettled(r));
}

export interface WaitResult {
  row: QueueRow | undefined;
  timedOut: boolean;
}

/** Longest pause between reads: the wake signal does not announce every change on every engine. */
const MAX_PAUSE_MS = 250;

/**
 * Read the row until `done`, the timeout or the abort. Between reads it waits for the wake
 * signal (SQLite: any commit, so a change is seen at once) or a growing pause (PostgreSQL and
 * MySQL announce new rows only, not status or call changes), never longer than MAX_PAUSE_MS.
 */
export async function waitForRow(
  db: Kysely<Database>,
  id: number,
  done: (row: QueueRow) => boolean,
  opts: { timeoutMs: number; changes: WakeSignal | undefined; signal: AbortSignal },
): Promise<WaitResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let pause = 10;
  for (;;) {
    const row = await getRow(db, id);
    if (row === undefined || done(row)) return { row, timedOut: false };
    const left = deadline - Date.now();
    if (left <= 0 || opts.signal.aborted) return { row, timedOut: true };
    const wait = Math.min(pause, left);
    if (opts.changes !== undefined) await opts.changes.next({ timeoutMs: wait, signal: opts.signal });
    else await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

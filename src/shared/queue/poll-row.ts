import type { QueueRow } from '../db/schema.js';
import { getRow } from './get-row.js';
import type { QueueDb } from './types.js';

export interface PollOptions {
  /** Give up after this long; the result then says timedOut. */
  timeoutMs: number;
  /** First pause between reads; it grows by half each time up to maxPollMs (default 25). */
  pollMs?: number;
  /** Longest pause between reads (default 500): a long wait costs a few reads a second at most. */
  maxPollMs?: number;
  signal?: AbortSignal;
}

/** What a poll ended with: the last row read, or undefined when the row is not (or no longer) in manager_queue. */
export interface PollResult {
  row: QueueRow | undefined;
  timedOut: boolean;
}

/**
 * Read a row until `done(row)`, the timeout, or the signal. Reads by the primary key with a
 * growing pause, so waiting on a row costs the database next to nothing, on every engine.
 */
export async function pollRow(db: QueueDb, id: number, done: (row: QueueRow) => boolean, opts: PollOptions): Promise<PollResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let pause = opts.pollMs ?? 25;
  for (;;) {
    opts.signal?.throwIfAborted();
    const row = await getRow(db, id);
    if (row === undefined || done(row)) return { row, timedOut: false };
    const left = deadline - Date.now();
    if (left <= 0) return { row, timedOut: true };
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    pause = Math.min(pause * 1.5, opts.maxPollMs ?? 500);
  }
}

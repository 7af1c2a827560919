import type { WorkerRow } from '../db/schema.js';

/** Beats a worker may miss before it counts as dead. */
export const MISSED_BEATS = 3;

/**
 * Alive = the last beat is within 3 × beatSeconds and the worker did not say it stopped.
 * Shared by keepalive, status and the heartbeat's bit 63 so they always agree.
 */
export function isAlive(row: Pick<WorkerRow, 'beat_at' | 'state'>, nowMs: number, beatSeconds: number): boolean {
  if (row.state === 'stopped' || row.state === 'crashed') return false;
  const beat = Date.parse(row.beat_at);
  return Number.isFinite(beat) && nowMs - beat <= MISSED_BEATS * beatSeconds * 1000;
}

import type { WorkerRow } from '../db/schema.js';

/** A live instance of the same worker for the same server holds the registration (SPEC §8). */
export class WorkerAlreadyRunningError extends Error {
  override readonly name = 'WorkerAlreadyRunningError';
  constructor(readonly row: WorkerRow) {
    super(`${row.name} for server ${row.server} is already running (pid ${row.pid} on ${row.host}, last beat ${row.beat_at})`);
  }
}

/** Our registration row was taken over (we looked dead); stop rather than run twice. */
export class WorkerDisplacedError extends Error {
  override readonly name = 'WorkerDisplacedError';
  constructor(
    readonly server: string,
    readonly worker: string,
  ) {
    super(`${worker} for server ${server}: registration taken over by another instance; stopping`);
  }
}

/** SIGTERM drain took longer than allowed; in-flight work was abandoned. */
export class WorkerDrainTimeoutError extends Error {
  override readonly name = 'WorkerDrainTimeoutError';
  constructor(
    readonly worker: string,
    readonly drainMs: number,
  ) {
    super(`${worker}: did not stop within ${drainMs} ms of the stop request`);
  }
}

import type { QueueRow } from '../shared/db/schema.js';

/** The row breaks a rule: nothing was inserted. The message names the field and the rule, as the row's INVALID message would. */
export class RowRejectedError extends Error {
  override readonly name = 'RowRejectedError';
  constructor(
    message: string,
    readonly action: string,
  ) {
    super(message);
  }
}

/** No row with this id in manager_queue (never inserted, or archived since). */
export class RowNotFoundError extends Error {
  override readonly name = 'RowNotFoundError';
  constructor(readonly id: number) {
    super(`row ${id} not found in manager_queue`);
  }
}

/** The row did not reach what was waited for in time; `row` is how it was last read. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly id: number,
    readonly timeoutMs: number,
    readonly row: QueueRow,
  ) {
    super(`row ${id} still ${row.status}${row.call_state ? `/${row.call_state}` : ''} after ${timeoutMs} ms`);
  }
}

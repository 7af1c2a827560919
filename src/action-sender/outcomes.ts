import type { Logger } from 'pino';
import { isBusy, LOOP_LOCK_WAIT_MS, transactionWithLockWait } from '../shared/db/index.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import {
  insertResults,
  markInvalid,
  markLost,
  recordResponses,
  releaseRows,
  statusForResponse,
  type ActionResponse,
  type QueueDb,
  type ResultItem,
} from '../shared/queue/index.js';

/** What became of a row after its write was attempted. */
export type Outcome =
  /** items: a list action's answer (CoreShowChannels, Status, ...), stored with the response. */
  | ({ kind: 'response'; items?: ResultItem[] } & ActionResponse)
  | { kind: 'lost'; id: number; message: string }
  /** Certainly never written (not logged in): back to NEW. */
  | { kind: 'release'; id: number }
  | { kind: 'invalid'; id: number; message: string };

export interface OutcomeCounters {
  count(name: string, n?: number): void;
}

/**
 * Outcomes are buffered and written in one short transaction per turn of the event loop, so a
 * burst of responses costs one commit. The write waits LOOP_LOCK_WAIT_MS at most for another
 * process's lock (the event loop reads AMI); a failed write keeps the buffer and retries: an
 * answer from Asterisk is never dropped.
 */
export class OutcomeRecorder {
  private buffer: Outcome[] = [];
  /** Outcomes taken out of the buffer by the write in progress: not recorded yet either. */
  private writing = 0;
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private retryDelayMs = 50;
  private readonly failures: RateLimitedLog;

  constructor(
    private readonly db: QueueDb,
    logger: Logger,
    private readonly counters: OutcomeCounters,
    private readonly onError: (err: unknown) => void,
    /** Called after rows went back to NEW, so the loop claims them again at once. */
    private readonly onReleased: () => void = () => {},
  ) {
    this.failures = new RateLimitedLog(logger);
  }

  /** Outcomes not yet recorded: buffered, or in a write that has not committed. */
  get pending(): number {
    return this.buffer.length + this.writing;
  }

  add(outcome: Outcome): void {
    this.buffer.push(outcome);
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      void this.flush();
    };
    if (delayMs > 0) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  /** Write everything buffered; resolves when the buffer was written (or the attempt failed). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = batch.length;
    this.flushing = this.write(batch)
      .then(() => {
        this.writing = 0;
        this.retryDelayMs = 50;
        this.tally(batch);
        if (batch.some((o) => o.kind === 'release')) this.onReleased();
      })
      .catch((err: unknown) => {
        this.writing = 0;
        this.buffer = batch.concat(this.buffer);
        if (isBusy(err)) this.failures.warn('busy', { rows: batch.length }, 'database locked; outcomes kept, will retry');
        else {
          this.failures.error('error', { err, rows: batch.length }, 'recording outcomes failed; will retry');
          this.onError(err);
        }
        this.schedule(this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 2000);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  private async write(batch: Outcome[]): Promise<void> {
    const responses: Array<ActionResponse & { items?: ResultItem[] }> = [];
    const lost = new Map<string, number[]>();
    const release: number[] = [];
    const invalid: Array<{ id: number; message: string }> = [];
    for (const o of batch) {
      if (o.kind === 'response') responses.push(o);
      else if (o.kind === 'lost') lost.set(o.message, [...(lost.get(o.message) ?? []), o.id]);
      else if (o.kind === 'release') release.push(o.id);
      else invalid.push(o);
    }
    await transactionWithLockWait(this.db, LOOP_LOCK_WAIT_MS, async (trx) => {
      await recordResponses(trx, responses);
      for (const r of responses) if (r.items !== undefined && r.items.length > 0) await insertResults(trx, r.id, r.items);
      for (const [message, ids] of lost) await markLost(trx, ids, message);
      await releaseRows(trx, release);
      for (const i of invalid) await markInvalid(trx, i.id, i.message);
    });
  }

  private tally(batch: Outcome[]): void {
    for (const o of batch) {
      if (o.kind === 'response') this.counters.count(statusForResponse(o.response) === 'SUCCESS' ? 'success' : 'failed');
      else if (o.kind === 'lost') this.counters.count('lost');
      else if (o.kind === 'release') this.counters.count('released');
      else this.counters.count('invalid');
    }
  }
}

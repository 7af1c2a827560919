import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { isBusy, withBusyTimeout } from '../db/index.js';
import type { Database } from '../db/schema.js';
import { isoNow } from '../time.js';
import { beatWorker } from './beat-worker.js';
import { WorkerDisplacedError, WorkerDrainTimeoutError } from './errors.js';
import type { WorkerIdentity } from './identity.js';
import { markWorkerStopped, markWorkerStoppedQuery, type StopValues } from './mark-worker-stopped.js';
import type { SignalTarget } from './process-signals.js';
import type { WorkerContext } from './worker-context.js';

export interface SessionOptions {
  id: WorkerIdentity;
  db: Kysely<Database>;
  /** Lets a crash be recorded synchronously from an uncaughtException handler. */
  sqlite?: BetterSqlite3.Database;
  logger: Logger;
  beatSeconds: number;
  drainMs: number;
  /** Stopped by the caller's signal, not by SIGTERM/SIGINT. */
  ownStop: boolean;
}

export interface WorkerOutcome {
  state: 'stopped';
  counters: Record<string, number>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * One registered worker's life: beats every beatSeconds, a stop request turned into ctx.signal,
 * a bounded wait for `run` to drain, and the final row 'stopped' or 'crashed' (with last_error).
 */
export class WorkerSession implements SignalTarget {
  readonly ownStop: boolean;
  private readonly controller = new AbortController();
  private readonly counters: Record<string, number> = {};
  private amiState = 'n/a';
  private amiConnected = false;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private displaced = false;
  /** Set before the final write: no beat (interval or a late ctx.beat()) may overwrite 'stopped'. */
  private finished = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly retryMs: number;

  constructor(private readonly opts: SessionOptions) {
    this.ownStop = opts.ownStop;
    this.retryMs = Math.min(250, opts.beatSeconds * 250);
  }

  stop(reason: string): void {
    if (this.controller.signal.aborted) return;
    this.opts.logger.info({ reason }, 'stop requested; draining');
    this.controller.abort(reason);
    void this.beat(); // show 'stopping' now
  }

  crash(err: unknown): Promise<void> | undefined {
    this.setError(err);
    if (this.displaced) return undefined;
    if (this.opts.sqlite === undefined) {
      this.finished = true;
      return markWorkerStopped(this.opts.db, this.opts.id, this.stopValues('crashed')).then(
        () => undefined,
        () => undefined,
      );
    }
    try {
      const q = markWorkerStoppedQuery(this.opts.db, this.opts.id, this.stopValues('crashed')).compile();
      this.opts.sqlite.prepare(q.sql).run(...(q.parameters as unknown[]));
    } catch {
      // Already dying; the stale beat will tell keepalive anyway.
    }
    return undefined;
  }

  /**
   * A beat never waits for another process's write lock: the worker's event loop also answers
   * UDP or reads AMI (Asterisk drops a client that stops reading). A beat that finds the lock
   * taken is skipped and tried again shortly.
   */
  readonly beat = async (): Promise<void> => {
    if (this.displaced || this.finished) return;
    const { id, logger } = this.opts;
    try {
      const values = {
        beat_at: isoNow(),
        state: this.controller.signal.aborted ? 'stopping' : 'running',
        ami_state: this.amiState,
        counters: this.counters,
        last_error: this.lastError,
        last_error_at: this.lastErrorAt,
      };
      const ours = await withBusyTimeout(this.opts.db, 0, (conn) => beatWorker(conn, id, values));
      if (!ours) {
        this.displaced = true;
        const err = new WorkerDisplacedError(id.server, id.name);
        logger.error({ err }, err.message);
        this.controller.abort(err.message);
      }
    } catch (err) {
      if (isBusy(err)) {
        this.counters.beats_skipped = (this.counters.beats_skipped ?? 0) + 1;
        this.retry ??= setTimeout(() => {
          this.retry = undefined;
          void this.beat();
        }, this.retryMs);
        return;
      }
      // A failing database must not kill the worker; the next beat tries again.
      logger.warn({ err }, 'beat failed');
    }
  };

  /** Runs the worker until it returns (or its drain after a stop request runs out), then writes the final state. */
  async run(work: (ctx: WorkerContext) => Promise<void>): Promise<WorkerOutcome> {
    const { id, db, logger } = this.opts;
    const timer = setInterval(() => void this.beat(), this.opts.beatSeconds * 1000);
    const drain = this.drainExpiry();
    const finish = (): void => {
      this.finished = true;
      clearInterval(timer);
      clearTimeout(this.retry);
      drain.cancel();
    };
    try {
      const result = await Promise.race([work(this.context()).then(() => 'done' as const), drain.expired]);
      finish();
      if (result === 'timeout') throw new WorkerDrainTimeoutError(id.name, this.opts.drainMs);
      if (this.displaced) throw new WorkerDisplacedError(id.server, id.name);
      return await this.stopped();
    } catch (err) {
      finish();
      // A worker that gives up its in-flight work with an AbortError after the stop request stopped cleanly.
      if (this.controller.signal.aborted && err instanceof Error && err.name === 'AbortError' && !this.displaced) return await this.stopped();
      this.setError(err);
      // Drain timeout: the stop was asked for, so 'stopped', with last_error saying what was abandoned.
      const state = err instanceof WorkerDrainTimeoutError ? 'stopped' : 'crashed';
      if (!this.displaced) await markWorkerStopped(db, id, this.stopValues(state)).catch(() => undefined);
      logger.error({ err }, 'worker failed');
      throw err;
    }
  }

  private async stopped(): Promise<WorkerOutcome> {
    await markWorkerStopped(this.opts.db, this.opts.id, this.stopValues('stopped'));
    this.opts.logger.info({ counters: this.counters }, 'worker stopped');
    return { state: 'stopped', counters: this.counters };
  }

  /** Resolves 'timeout' drainMs after the stop request. */
  private drainExpiry(): { expired: Promise<'timeout'>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const signal = this.controller.signal;
    const expired = new Promise<'timeout'>((resolve) => {
      const arm = (): void => {
        timer = setTimeout(() => resolve('timeout'), this.opts.drainMs);
      };
      if (signal.aborted) arm();
      else signal.addEventListener('abort', arm, { once: true });
    });
    return { expired, cancel: () => clearTimeout(timer) };
  }

  private context(): WorkerContext {
    const { id, logger } = this.opts;
    return {
      signal: this.controller.signal,
      logger,
      server: id.server,
      name: id.name,
      setAmiState: (s) => {
        if (s === this.amiState) return;
        this.amiState = s;
        // For /metrics: every AMI connection after the first is a reconnect.
        if (s === 'connected' && this.amiConnected) this.counters['ami_reconnects'] = (this.counters['ami_reconnects'] ?? 0) + 1;
        if (s === 'connected') this.amiConnected = true;
        // `amiq status` (and whoever waits for a worker to connect) sees it now, not a beat later.
        void this.beat();
      },
      count: (name, n = 1) => {
        this.counters[name] = (this.counters[name] ?? 0) + n;
      },
      setCounter: (name, value) => {
        this.counters[name] = value;
      },
      setError: (err) => this.setError(err),
      beat: this.beat,
    };
  }

  private setError(err: unknown): void {
    this.lastError = err === null || err === undefined ? null : errorText(err);
    this.lastErrorAt = this.lastError === null ? null : isoNow();
  }

  private stopValues(state: StopValues['state']): StopValues {
    return { state, at: isoNow(), counters: this.counters, last_error: this.lastError, last_error_at: this.lastErrorAt };
  }
}

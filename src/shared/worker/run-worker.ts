import { hostname } from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.js';
import { isoNow } from '../time.js';
import type { WorkerIdentity } from './identity.js';
import { processSignals } from './process-signals.js';
import { registerWorker } from './register-worker.js';
import type { WorkerContext } from './worker-context.js';
import { WorkerSession, type WorkerOutcome } from './worker-session.js';

export interface RunWorkerOptions {
  name: string;
  server: string;
  db: Kysely<Database>;
  /** Lets a crash be recorded synchronously from an uncaughtException handler. */
  sqlite?: BetterSqlite3.Database;
  logger: Logger;
  beatSeconds: number;
  /** Longest wait for `run` to return after the stop request; default 10 s. */
  drainSeconds?: number;
  run: (ctx: WorkerContext) => Promise<void>;
  /**
   * The caller's stop request. A worker given one is stopped by it, not by SIGTERM/SIGINT: amiq
   * start handles those itself (it ends the simulated calls before stopping the workers).
   */
  signal?: AbortSignal;
  /** Install SIGTERM/SIGINT/uncaught-failure handlers on the process; default true. */
  handleProcessEvents?: boolean;
  /** For tests: whether a pid is alive (takeover of a dead instance's row). */
  pidAlive?: (pid: number) => boolean;
  /** The row keepalive reserved for this process (its started_at), if any. */
  reservation?: string;
}

/**
 * Runs one worker under supervision (SPEC §8): registers it (refusing a second live instance
 * with WorkerAlreadyRunningError), then a WorkerSession beats, turns SIGTERM/SIGINT into
 * ctx.signal, waits a bounded time for `run` to drain, and leaves the row 'stopped' or 'crashed'
 * (with last_error). Rejects with run's error after marking the crash.
 */
export async function runWorker(opts: RunWorkerOptions): Promise<WorkerOutcome> {
  const id: WorkerIdentity = { server: opts.server, name: opts.name, pid: process.pid, host: hostname(), started_at: isoNow() };
  const key = `${id.server}\u0000${id.name}`;
  // Claimed synchronously, before any await, so two calls in one process cannot both see "free".
  const notRunningHere = processSignals.claim(key);
  try {
    processSignals.startRegistering(opts.handleProcessEvents ?? true);
    let replaced: Awaited<ReturnType<typeof registerWorker>>;
    try {
      replaced = await registerWorker(opts.db, id, {
        nowMs: Date.now(),
        beatSeconds: opts.beatSeconds,
        pidAlive: opts.pidAlive,
        reservation: opts.reservation,
        notRunningHere,
      });
    } catch (err) {
      processSignals.doneRegistering(undefined);
      throw err;
    }
    const logger = opts.logger.child({ worker: opts.name, server: opts.server });
    const session = new WorkerSession({
      id,
      db: opts.db,
      sqlite: opts.sqlite,
      logger,
      beatSeconds: opts.beatSeconds,
      drainMs: (opts.drainSeconds ?? 10) * 1000,
      ownStop: opts.signal !== undefined,
    });
    const signalled = processSignals.doneRegistering(session);
    logger.info({ replaced: replaced && { pid: replaced.pid, host: replaced.host, state: replaced.state } }, 'worker registered');
    if (signalled !== undefined && !session.ownStop) session.stop(signalled);
    const onExternalStop = (): void => session.stop(String(opts.signal?.reason ?? 'stop'));
    if (opts.signal?.aborted) onExternalStop();
    opts.signal?.addEventListener('abort', onExternalStop, { once: true });
    try {
      return await session.run(opts.run);
    } finally {
      opts.signal?.removeEventListener('abort', onExternalStop);
      processSignals.remove(session);
    }
  } finally {
    if (notRunningHere) processSignals.release(key);
  }
}

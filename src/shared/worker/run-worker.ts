import { hostname } from 'node:os';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { isBusy, withBusyTimeout } from '../db/index.js';
import type { Database } from '../db/schema.js';
import { isoNow } from '../time.js';
import { WorkerDisplacedError, WorkerDrainTimeoutError } from './errors.js';
import type { WorkerIdentity } from './identity.js';
import { beatWorker } from './beat-worker.js';
import { markWorkerStopped, markWorkerStoppedQuery, type StopValues } from './mark-worker-stopped.js';
import { registerWorker } from './register-worker.js';

export interface WorkerContext {
  /** Aborted on SIGTERM/SIGINT (or the caller's stop signal): claim nothing new, finish in-flight work, return. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly server: string;
  readonly name: string;
  /** 'connecting' | 'connected' | 'disconnected' | 'n/a'; written with the next beat. */
  setAmiState(state: string): void;
  /** Adds n to a counter (sent, failed, events, ...). */
  count(name: string, n?: number): void;
  /** Sets a gauge (backlog, rooms, ...). */
  setCounter(name: string, value: number): void;
  /** Records the latest error for `amiq status`; null clears it. */
  setError(err: unknown): void;
  /** Writes a beat now (e.g. right after connecting) instead of waiting for the interval. */
  beat(): Promise<void>;
}

export interface RunWorkerOptions {
  name: string;
  server: string;
  db: Kysely<Database>;
  /**
   * Lets a crash be recorded synchronously from an uncaughtException handler. Without it (the
   * server engines) the crash is recorded by an ordinary write, awaited for CRASH_WRITE_MS at most.
   */
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

export interface WorkerOutcome {
  state: 'stopped';
  counters: Record<string, number>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// Workers running in this process; one set of process handlers serves them all (amiq start).
const active = new Set<{ stop(reason: string): void; crash(err: unknown): Promise<void> | undefined; ownStop: boolean }>();
// (server, name) of the workers this process runs or is registering.
const claimedHere = new Set<string>();
let handlersInstalled = false;
// Workers of this process still registering, and the stop signal that came meanwhile: the row
// already says running, so the worker must still stop (not die by the default action, or go on).
let registering = 0;
let signalWhileRegistering: NodeJS.Signals | undefined;

function onSignal(sig: NodeJS.Signals): void {
  if (registering > 0) signalWhileRegistering ??= sig;
  for (const w of active) if (!w.ownStop) w.stop(sig);
}

/** How long a dying process waits for its crash to be written to a server database. */
const CRASH_WRITE_MS = 2000;

function onFatal(err: unknown): void {
  const writes = [...active].map((w) => w.crash(err)).filter((p) => p !== undefined);
  process.stderr.write(`amiq: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (writes.length === 0) process.exit(1);
  const timer = setTimeout(() => process.exit(1), CRASH_WRITE_MS);
  void Promise.allSettled(writes).then(() => {
    clearTimeout(timer);
    process.exit(1);
  });
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}

/** One registration is over: the stop signal that came during it, if any. */
function doneRegistering(): NodeJS.Signals | undefined {
  const sig = signalWhileRegistering;
  if (--registering === 0) signalWhileRegistering = undefined;
  return sig;
}

function removeHandlersIfIdle(): void {
  if (!handlersInstalled || active.size > 0 || registering > 0) return;
  handlersInstalled = false;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('uncaughtException', onFatal);
  process.off('unhandledRejection', onFatal);
}

/**
 * Runs one worker under supervision (SPEC §8): registers it (refusing a second live instance
 * with WorkerAlreadyRunningError), beats every beatSeconds, turns SIGTERM/SIGINT into
 * ctx.signal, waits a bounded time for `run` to drain, and leaves the row 'stopped' or
 * 'crashed' (with last_error). Rejects with run's error after marking the crash.
 */
export async function runWorker(opts: RunWorkerOptions): Promise<WorkerOutcome> {
  const { db, logger } = opts;
  const id: WorkerIdentity = { server: opts.server, name: opts.name, pid: process.pid, host: hostname(), started_at: isoNow() };
  const key = `${id.server}\u0000${id.name}`;
  // Claimed synchronously, before any await, so two calls in one process cannot both see "free".
  const notRunningHere = !claimedHere.has(key);
  if (notRunningHere) claimedHere.add(key);
  const handleProcess = opts.handleProcessEvents ?? true;
  // Before registering: a SIGTERM between the row saying running and the handlers would kill the
  // process by the default action and leave the row running ('stop' then reported it stopped).
  if (handleProcess) installHandlers();
  registering++;
  let replaced: Awaited<ReturnType<typeof registerWorker>>;
  try {
    replaced = await registerWorker(db, id, {
      nowMs: Date.now(),
      beatSeconds: opts.beatSeconds,
      pidAlive: opts.pidAlive,
      reservation: opts.reservation,
      notRunningHere,
    });
  } catch (err) {
    if (notRunningHere) claimedHere.delete(key);
    doneRegistering();
    removeHandlersIfIdle();
    throw err;
  }
  const signalled = doneRegistering();
  const log = logger.child({ worker: opts.name, server: opts.server });
  log.info({ replaced: replaced && { pid: replaced.pid, host: replaced.host, state: replaced.state } }, 'worker registered');

  const controller = new AbortController();
  const counters: Record<string, number> = {};
  let amiState = 'n/a';
  let lastError: string | null = null;
  let lastErrorAt: string | null = null;
  let displaced = false;
  // Set before the final write: no beat (interval or a late ctx.beat()) may overwrite 'stopped'.
  let finished = false;

  const stop = (reason: string) => {
    if (controller.signal.aborted) return;
    log.info({ reason }, 'stop requested; draining');
    controller.abort(reason);
    void beat(); // show 'stopping' now
  };
  const stopValues = (state: StopValues['state']): StopValues => ({ state, at: isoNow(), counters, last_error: lastError, last_error_at: lastErrorAt });
  const setError = (err: unknown) => {
    lastError = err === null || err === undefined ? null : errorText(err);
    lastErrorAt = lastError === null ? null : isoNow();
  };

  // A beat never waits for another process's write lock: the worker's event loop also answers
  // UDP or reads AMI (Asterisk drops a client that stops reading). A beat that finds the lock
  // taken is skipped and tried again shortly.
  let retry: NodeJS.Timeout | undefined;
  const retryMs = Math.min(250, opts.beatSeconds * 250);
  const beat = async () => {
    if (displaced || finished) return;
    try {
      const values = {
        beat_at: isoNow(),
        state: controller.signal.aborted ? 'stopping' : 'running',
        ami_state: amiState,
        counters,
        last_error: lastError,
        last_error_at: lastErrorAt,
      };
      const ours = await withBusyTimeout(db, 0, (conn) => beatWorker(conn, id, values));
      if (!ours) {
        displaced = true;
        const err = new WorkerDisplacedError(id.server, id.name);
        log.error({ err }, err.message);
        controller.abort(err.message);
      }
    } catch (err) {
      if (isBusy(err)) {
        counters.beats_skipped = (counters.beats_skipped ?? 0) + 1;
        retry ??= setTimeout(() => {
          retry = undefined;
          void beat();
        }, retryMs);
        return;
      }
      // A failing database must not kill the worker; the next beat tries again.
      log.warn({ err }, 'beat failed');
    }
  };

  const member = {
    stop,
    ownStop: opts.signal !== undefined,
    crash: (err: unknown) => {
      setError(err);
      if (displaced) return undefined;
      if (opts.sqlite === undefined) {
        finished = true;
        return markWorkerStopped(db, id, stopValues('crashed')).catch(() => undefined);
      }
      try {
        const q = markWorkerStoppedQuery(db, id, stopValues('crashed')).compile();
        opts.sqlite.prepare(q.sql).run(...(q.parameters as unknown[]));
      } catch {
        // Already dying; the stale beat will tell keepalive anyway.
      }
      return undefined;
    },
  };
  active.add(member);
  if (signalled !== undefined && !member.ownStop) stop(signalled);
  const onExternalStop = () => stop(String(opts.signal?.reason ?? 'stop'));
  if (opts.signal?.aborted) onExternalStop();
  opts.signal?.addEventListener('abort', onExternalStop, { once: true });
  const timer = setInterval(() => void beat(), opts.beatSeconds * 1000);

  const ctx: WorkerContext = {
    signal: controller.signal,
    logger: log,
    server: id.server,
    name: id.name,
    setAmiState: (s) => {
      if (s === amiState) return;
      amiState = s;
      // `amiq status` (and whoever waits for a worker to connect) sees it now, not a beat later.
      void beat();
    },
    count: (name, n = 1) => {
      counters[name] = (counters[name] ?? 0) + n;
    },
    setCounter: (name, value) => {
      counters[name] = value;
    },
    setError,
    beat,
  };

  const drainMs = (opts.drainSeconds ?? 10) * 1000;
  let drainTimer: NodeJS.Timeout | undefined;
  const drainExpired = new Promise<'timeout'>((resolve) => {
    const arm = () => {
      drainTimer = setTimeout(() => resolve('timeout'), drainMs);
    };
    if (controller.signal.aborted) arm();
    else controller.signal.addEventListener('abort', arm, { once: true });
  });

  const finish = () => {
    finished = true;
    clearInterval(timer);
    clearTimeout(retry);
  };
  try {
    const result = await Promise.race([opts.run(ctx).then(() => 'done' as const), drainExpired]);
    finish();
    if (result === 'timeout') throw new WorkerDrainTimeoutError(id.name, drainMs);
    if (displaced) throw new WorkerDisplacedError(id.server, id.name);
    await markWorkerStopped(db, id, stopValues('stopped'));
    log.info({ counters }, 'worker stopped');
    return { state: 'stopped', counters };
  } catch (err) {
    finish();
    // A worker that gives up its in-flight work with an AbortError after the stop request stopped cleanly.
    const aborted = controller.signal.aborted && err instanceof Error && err.name === 'AbortError' && !displaced;
    if (aborted) {
      await markWorkerStopped(db, id, stopValues('stopped'));
      log.info({ counters }, 'worker stopped');
      return { state: 'stopped', counters };
    }
    setError(err);
    // Drain timeout: the stop was asked for, so 'stopped', with last_error saying what was abandoned.
    const state = err instanceof WorkerDrainTimeoutError ? 'stopped' : 'crashed';
    if (!displaced) await markWorkerStopped(db, id, stopValues(state)).catch(() => undefined);
    log.error({ err }, 'worker failed');
    throw err;
  } finally {
    if (drainTimer) clearTimeout(drainTimer);
    opts.signal?.removeEventListener('abort', onExternalStop);
    active.delete(member);
    if (notRunningHere) claimedHere.delete(key);
    removeHandlersIfIdle();
  }
}

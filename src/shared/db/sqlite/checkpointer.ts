import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from 'pino';

export interface CheckpointerOptions {
  /** How often the thread copies the WAL back into the database; default 100 ms. */
  intervalMs?: number;
  /**
   * WAL size (pages) past which the thread also restarts the WAL, between two of the writer's
   * transactions; default 8192 (32 MB of 4 KB pages).
   */
  restartPages?: number;
  logger?: Logger;
}

export interface Checkpointer {
  /** True once the thread has taken the checkpoints over; false if it could not start (commits keep them). */
  readonly ready: Promise<boolean>;
  /** Stops the thread and gives checkpoints back to the connection's commits. */
  close(): Promise<void>;
}

interface ThreadData {
  path: string;
  driver: string;
  intervalMs: number;
  restartPages: number;
}

/**
 * The thread's code. It runs from its source text (no closure, no imports), so vitest and the
 * build need no second entry point.
 */
function checkpointThread(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const data = workerData as ThreadData;
  const Database = require(data.driver) as typeof BetterSqlite3;
  const conn = new Database(data.path, { fileMustExist: true });
  // A RESTART waits (busy handler) for the writer's transaction to end, then blocks writers
  // while it finishes and waits for readers. 20 ms at most: a long reader elsewhere holds the
  // writer up no longer than that, and a RESTART that gives up is tried again at the next tick.
  conn.pragma('busy_timeout = 20');
  const passive = conn.prepare<[], { log: number }>('PRAGMA wal_checkpoint(PASSIVE)');
  const restart = conn.prepare('PRAGMA wal_checkpoint(RESTART)');
  const timer = setInterval(() => {
    // A writer that never pauses appends past every passive pass, so the WAL would only grow:
    // past restartPages, one short catch-up between two of its transactions starts it over.
    if (passive.get()!.log >= data.restartPages) restart.get();
  }, data.intervalMs);
  parentPort!.once('message', () => {
    clearInterval(timer);
    conn.close();
    parentPort!.close();
  });
  parentPort!.postMessage('ready');
}

const none: Checkpointer = { ready: Promise.resolve(false), close: async () => undefined };

/**
 * Moves WAL checkpoints off the connection's thread. SQLite checkpoints inside whichever commit
 * crosses wal_autocheckpoint pages, so the writer paid for copying the WAL back and for both
 * fsyncs: in an event storm, a third of the listener's database time (BENCHMARKS.md). Here a
 * thread with its own connection checkpoints every intervalMs, and the connection's automatic
 * checkpoints are off while the thread lives; if it dies they come back on, so nothing depends
 * on it. Other processes keep their own automatic checkpoints. An in-memory database has no WAL.
 */
export function startCheckpointer(sqlite: BetterSqlite3.Database, opts: CheckpointerOptions = {}): Checkpointer {
  if (sqlite.memory || String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return none;
  const automatic = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
  const data: ThreadData = {
    path: sqlite.name,
    driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    intervalMs: opts.intervalMs ?? 100,
    restartPages: opts.restartPages ?? 8192,
  };
  const worker = new Worker(`(${checkpointThread.toString()})()`, { eval: true, workerData: data });
  // A thread that only checkpoints must never keep the process alive.
  worker.unref();
  let stopping = false;
  const ready = new Promise<boolean>((resolve) => {
    worker.once('message', () => {
      const taken = !stopping && sqlite.open;
      if (taken) sqlite.pragma('wal_autocheckpoint = 0');
      resolve(taken);
    });
    worker.once('exit', () => resolve(false));
  });
  worker.once('error', (err) => opts.logger?.warn({ err, path: data.path }, 'checkpointer thread failed; commits checkpoint again'));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${automatic}`);
      resolve();
    }),
  );
  return {
    ready,
    close: async () => {
      stopping = true;
      worker.postMessage('stop');
      await exited;
    },
  };
}

import type { Kysely } from 'kysely';
import type { AmiqConfig, WorkerName } from '../shared/config/index.js';
import { shareCheckpointer, type AmiqDatabase, type Database } from '../shared/db/index.js';
import { isAlive, type WorkerContext } from '../shared/worker/index.js';
import { runActionSender } from '../action-sender/index.js';
import { runDeviceRelay } from '../device-relay/index.js';
import { runHeartbeat } from '../heartbeat/index.js';
import { runHttp } from '../http/run-http.js';
import { runManagerListener } from '../manager-listener/index.js';
import { runMeetmeCleaner } from '../meetme-cleaner/index.js';
import { CliError } from './context.js';

/** Per-worker flags of `amiq run` (heartbeat -d -t -l, meetme-cleaner --dry-run). */
export interface WorkerFlags {
  debug?: boolean;
  test?: boolean;
  loop?: boolean;
  dryRun?: boolean;
}

export interface LaunchOptions {
  config: AmiqConfig;
  db: Kysely<Database>;
  database: AmiqDatabase;
  ctx: WorkerContext;
  flags: WorkerFlags;
}

type Launcher = (o: LaunchOptions) => Promise<void>;

/** Runs a worker with this process's checkpoint thread on its SQLite handle (none on a server engine). */
async function withCheckpointer(database: AmiqDatabase, ctx: WorkerContext, run: () => Promise<void>): Promise<void> {
  const checkpointer = database.sqlite && shareCheckpointer(database.sqlite, { logger: ctx.logger });
  try {
    await run();
  } finally {
    await checkpointer?.close();
  }
}

const LAUNCHERS: Record<WorkerName, Launcher> = {
  'action-sender': async ({ config, db, database, ctx }) => {
    // SQLite: the sender's insert-to-sent latency is bounded by this interval: look every 2 ms
    // (one pragma read). PostgreSQL: LISTEN/NOTIFY; MySQL: the configured poll. Only this
    // server's rows wake it.
    const inMemory = database.sqlite?.name === ':memory:';
    const changes = inMemory ? undefined : database.wakeSignal({ server: config.server.name, intervalMs: 2 });
    // The signal recovers by itself (reconnects); a dropped LISTEN connection is worth a warning.
    changes?.on('error', (err) => ctx.logger.warn({ err }, 'wake-up signal lost; reconnecting'));
    try {
      await runActionSender({ config, db, logger: ctx.logger, signal: ctx.signal, ctx, changes });
    } finally {
      await changes?.close();
    }
  },
  'manager-listener': async ({ config, db, database, ctx }) => {
    // SQLite: an event storm is written as fast as it comes: its commits must not wait for checkpoints.
    await withCheckpointer(database, ctx, () => runManagerListener({ config, db, logger: ctx.logger, signal: ctx.signal, ctx }));
  },
  heartbeat: async ({ config, db, ctx, flags }) => {
    const modes = { debug: flags.debug, test: flags.test, loop: flags.loop };
    await runHeartbeat({ config, db, logger: ctx.logger, signal: ctx.signal, ctx, isAlive, modes });
  },
  'meetme-cleaner': async ({ config, db, ctx, flags }) => {
    await runMeetmeCleaner({ config, db, logger: ctx.logger, signal: ctx.signal, ctx, dryRun: flags.dryRun });
  },
  http: async ({ config, db, database, ctx }) => {
    // SQLite: one commit per enqueue; a checkpoint inside one (with its fsyncs) would stall every request.
    await withCheckpointer(database, ctx, () => runHttp({ config, db, database, logger: ctx.logger, signal: ctx.signal, ctx }));
  },
  'device-relay': async ({ config, db, ctx }) => {
    await runDeviceRelay({ config, db, logger: ctx.logger, signal: ctx.signal, ctx });
  },
};

/** Which flags each worker understands; others are bad input (exit 2). */
const FLAGS_OF: Record<WorkerName, (keyof WorkerFlags)[]> = {
  'action-sender': [],
  'manager-listener': [],
  heartbeat: ['debug', 'test', 'loop'],
  'meetme-cleaner': ['dryRun'],
  http: [],
  'device-relay': [],
};

const FLAG_NAMES: Record<keyof WorkerFlags, string> = { debug: '-d', test: '-t', loop: '-l', dryRun: '--dry-run' };

export function checkWorkerFlags(name: WorkerName, flags: WorkerFlags): void {
  for (const key of Object.keys(FLAG_NAMES) as (keyof WorkerFlags)[]) {
    if (flags[key] && !FLAGS_OF[name].includes(key)) {
      throw new CliError(`${FLAG_NAMES[key]}: not an option of ${name}`, 2);
    }
  }
  if (flags.test && flags.loop) throw new CliError('-t and -l: choose one', 2);
}

export function launchWorker(name: WorkerName, o: LaunchOptions): Promise<void> {
  return LAUNCHERS[name](o);
}

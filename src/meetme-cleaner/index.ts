import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiPort } from '../shared/ami/ami-port.js';
import { AmiClient } from '../shared/ami/client.js';
import { amiClientOptions, type AmiqConfig } from '../shared/config/index.js';
import type { Database } from '../shared/db/schema.js';
import type { WorkerContext } from '../shared/worker/index.js';
import { scheduleJob, type Job } from '../shared/maintenance/schedule-job.js';
import { scheduleMaintenance } from '../shared/maintenance/schedule-maintenance.js';
import { createCleaner } from './cleaner.js';
import { ConferenceLister } from './lister.js';

export { createCleaner, type CleanerOptions, type Kick, type TickReport } from './cleaner.js';
export { ConferenceLister } from './lister.js';

/** The part of runWorker's context the cleaner uses. */
export type CleanerWorkerContext = Pick<WorkerContext, 'setAmiState' | 'count' | 'setCounter' | 'setError'>;

export interface RunMeetmeCleanerOptions {
  config: AmiqConfig;
  db: Kysely<Database>;
  logger: Logger;
  signal: AbortSignal;
  ctx: CleanerWorkerContext;
  /** `amiq run meetme-cleaner --dry-run`: log what would be kicked, enqueue nothing. */
  dryRun?: boolean;
  /** For tests: a client other than a fresh AmiClient from the config. */
  client?: AmiPort;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * The meetme-cleaner worker (SPEC §7): its own AMI connection with events off, a tick on the
 * configured node-cron schedule, kicks enqueued for the action-sender, and the pruning of the
 * conferences it closed. Returns once stopped (signal), after a tick in progress finishes.
 */
export async function runMeetmeCleaner(opts: RunMeetmeCleanerOptions): Promise<void> {
  const { config, logger, ctx } = opts;
  const client: AmiPort = opts.client ?? new AmiClient(amiClientOptions(config.ami, 'meetme-cleaner', logger, { events: 'off' }));
  const lister = new ConferenceLister(client);
  // A reconnect may be a restarted PBX with other modules loaded: ask again what it supports.
  client.on('connected', () => lister.forget());
  client.on('state', (state) => ctx.setAmiState(state));
  client.on('error', (err) => ctx.setError(err));

  const server = config.server.name;
  const cleaner = createCleaner({
    db: opts.db,
    lister,
    server,
    settings: config.meetme_cleaner,
    allowedCommands: config.action_sender.allowed_commands,
    logger,
    dryRun: opts.dryRun ?? false,
    count: (name, n) => ctx.count(name, n),
    onError: (err) => ctx.setError(err),
  });
  const tick = async (): Promise<void> => {
    // Listing over a dead connection would only log failures; the clocks live in the database.
    if (!client.connected) return;
    try {
      ctx.setCounter('rooms', (await cleaner.tick()).rooms);
    } catch (err) {
      ctx.setError(err);
      throw err;
    }
  };
  if (opts.dryRun) logger.info('dry run: kicks are logged, never enqueued');

  const jobs: Job[] = [];
  try {
    jobs.push(scheduleJob(config.meetme_cleaner.schedule, 'meetme-cleaner', tick, logger));
    jobs.push(scheduleMaintenance({ db: opts.db, server, tasks: ['prune-conferences'], settings: config.maintenance, logger }));
    client.start();
    await untilAborted(opts.signal);
  } finally {
    // A tick in progress finishes (it still has the connection), then the connection closes.
    await Promise.all(jobs.map((j) => j.stop()));
    await client.stop();
  }
}

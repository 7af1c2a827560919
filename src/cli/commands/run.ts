import type { Command } from 'commander';
import { relayTargets, WORKER_NAMES, type WorkerName } from '../../shared/config/index.js';
import { runWorker, WorkerAlreadyRunningError, type WorkerOutcome } from '../../shared/worker/index.js';
import { action, CliError, globalOptions, openContext, type CliContext } from '../context.js';
import { checkWorkerFlags, launchWorker, type WorkerFlags } from '../worker-launchers.js';

export function parseWorkerName(name: string): WorkerName {
  if ((WORKER_NAMES as readonly string[]).includes(name)) return name as WorkerName;
  throw new CliError(`<worker>: expected one of ${WORKER_NAMES.join(', ')}, got "${name}"`, 2);
}

export interface SuperviseOptions {
  flags?: WorkerFlags;
  /** amiq start: one stop signal for every worker of the process. */
  signal?: AbortSignal;
  /** The 'starting' row keepalive reserved for this process. */
  reservation?: string;
}

/** One worker under core supervision (registration, beats, SIGTERM drain), as `run` and `start` use it. */
export async function superviseWorker(name: WorkerName, c: CliContext, opts: SuperviseOptions = {}): Promise<WorkerOutcome> {
  const flags = opts.flags ?? {};
  if (name === 'device-relay') relayTargets(c.config);
  return runWorker({
    name,
    server: c.config.server.name,
    db: c.db,
    sqlite: c.sqlite,
    logger: c.logger,
    beatSeconds: c.config.workers.beat_seconds,
    drainSeconds: c.config.workers.drain_seconds,
    signal: opts.signal,
    reservation: opts.reservation,
    run: (ctx) => launchWorker(name, { config: c.config, db: c.db, database: c.database, ctx, flags }),
  });
}

export function register(program: Command): void {
  program
    .command('run <worker>')
    .description(`run one worker in the foreground: ${WORKER_NAMES.join(' | ')}`)
    .option('-d, --debug', 'heartbeat: debug output in the foreground')
    .option('-t, --test', 'heartbeat: no Asterisk, random statuses')
    .option('-l, --loop', 'heartbeat: no Asterisk, the n-th reply shows position ((n-1) mod 30)+1 up')
    .option('--dry-run', 'meetme-cleaner: only say what would be kicked')
    .action(
      action('run', async (worker: string, flags: WorkerFlags, cmd: Command) => {
        const name = parseWorkerName(worker);
        checkWorkerFlags(name, flags);
        const c = await openContext({ ...globalOptions(cmd), logLevel: flags.debug ? 'debug' : undefined, warnExposedSecret: true });
        try {
          await superviseWorker(name, c, { flags, reservation: process.env['AMIQ_RESERVATION'] || undefined });
          return 0;
        } catch (err) {
          if (err instanceof WorkerAlreadyRunningError) throw new CliError(`refused: ${err.message}`, 1);
          throw err;
        } finally {
          await c.close();
        }
      }),
    );
}

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AmiClient } from '../shared/ami/client.js';
import type { AmiMessage } from '../shared/ami/message.js';
import { amiClientOptions, type AmiqConfig } from '../shared/config/index.js';
import { isConnectionLost } from '../shared/db/connection-lost.js';
import type { Database } from '../shared/db/schema.js';
import { scheduleMaintenance } from '../shared/maintenance/schedule-maintenance.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import type { WorkerContext } from '../shared/worker/index.js';
import { Listener } from './listener.js';
import type { TrackerOptions } from './call-tracker.js';

export { Listener, type EventLogMode, type ListenerOptions } from './listener.js';
export { CallTracker } from './call-tracker.js';

/**
 * Login `Events:` classes. `call`: Newchannel/Newstate/NewCallerid/Hangup/Rename/Masquerade/Dial*
 * and OriginateResponse. `dialplan`: VarSet, the only place AMIQ_ID shows when manager.conf has no
 * `channelvars = AMIQ_ID` (VarSet and Newexten are class dialplan in ≤11 and 16+). Nothing else:
 * cdr, cel, agent, system, ... would only cost parsing.
 */
export const LISTENER_EVENT_CLASSES = 'call,dialplan';

/** The parts of the amiq config the listener reads (SPEC §10). */
export type ListenerRunConfig = Pick<AmiqConfig, 'server' | 'ami' | 'manager_listener' | 'maintenance'>;

export interface RunManagerListenerOptions {
  config: ListenerRunConfig;
  db: Kysely<Database>;
  logger: Logger;
  signal: AbortSignal;
  ctx: Pick<WorkerContext, 'count' | 'setAmiState' | 'setError'>;
  tracker?: TrackerOptions;
  /** Called once the engine exists (tests and the demo read its stats). */
  onStarted?: (listener: Listener, client: AmiClient) => void;
}

/**
 * `amiq run manager-listener`: one AMI connection with events on; every call's progress on its
 * row until `signal` aborts. After each (re)connect it resyncs, so no row stays UP forever.
 */
export async function runManagerListener(opts: RunManagerListenerOptions): Promise<void> {
  const { config, logger, ctx, signal } = opts;
  const listener = new Listener({
    db: opts.db,
    server: config.server.name,
    eventLog: config.manager_listener.event_log,
    maxPendingLog: config.manager_listener.max_pending_event_log,
    logger,
    count: (n, k) => ctx.count(n, k),
    ...(opts.tracker ? { tracker: opts.tracker } : {}),
  });
  const client = new AmiClient(
    amiClientOptions(config.ami, 'manager-listener', logger, {
      events: LISTENER_EVENT_CLASSES,
      // A burst (a campaign's calls ending together) must not drop events: rows would stay UP until resync.
      maxEventBacklog: 200_000,
    }),
  );
  client.on('state', (s: string) => ctx.setAmiState(s));
  // A few lines per kind of error and interval: a garbled peer's frames come without end.
  const errors = new RateLimitedLog(logger);
  client.on('error', (err: Error) => errors.warn(err.name, { err }, 'manager-listener: AMI error'));
  const events = client.events();
  // Resync runs beside the event loop; its list items never reach `events`.
  client.on('connected', () => {
    listener
      .resync(() => client.sendList('CoreShowChannels'))
      .catch((err: unknown) => {
        logger.warn({ err }, 'manager-listener: resync failed; it runs again on the next connect');
        ctx.setError(err);
      });
  });
  const loaded = await listener.loadLive();
  logger.info({ live: loaded }, 'manager-listener: live calls loaded');
  opts.onStarted?.(listener, client);
  // The listener owns the event log, so it prunes it.
  const maintenance = scheduleMaintenance({ db: opts.db, server: config.server.name, tasks: ['prune-events'], settings: config.maintenance, logger });
  client.start();
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  void stopped.then(() => client.stop());
  /**
   * One event, in arrival order. A lookup the database could not answer (a restart) is retried
   * until it does: the AMI client goes on reading meanwhile (up to maxEventBacklog events), so no
   * call loses its events to a database outage.
   */
  const applyEvent = async (msg: AmiMessage): Promise<void> => {
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 2000)) {
      try {
        await listener.onEvent(msg);
        ctx.count('events');
        return;
      } catch (err) {
        ctx.setError(err);
        if (!isConnectionLost(err) || signal.aborted) {
          errors.error('event', { err }, 'manager-listener: event not applied');
          return;
        }
        errors.warn('db-down', { err, retryMs: delayMs }, 'manager-listener: database unreachable; events wait');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  };
  try {
    for await (const msg of events) {
      await applyEvent(msg);
      if (signal.aborted) break;
    }
  } finally {
    await maintenance.stop();
    await client.stop();
    await listener.close();
    errors.flush();
    logger.info({ stats: listener.stats, tracked: listener.tracker.size }, 'manager-listener: stopped');
  }
}

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiPort } from '../shared/ami/ami-port.js';
import { AmiClient } from '../shared/ami/client.js';
import { amiClientOptions, type AmiqConfig } from '../shared/config/index.js';
import type { WakeSignal } from '../shared/db/index.js';
import type { Database } from '../shared/db/schema.js';
import { scheduleMaintenance } from '../shared/maintenance/schedule-maintenance.js';
import { senderPolicy } from '../shared/row-rules/index.js';
import type { WorkerContext } from '../shared/worker/index.js';
import { ActionSender } from './sender-loop.js';

export interface RunActionSenderOptions {
  config: AmiqConfig;
  db: Kysely<Database>;
  logger: Logger;
  signal: AbortSignal;
  ctx: Pick<WorkerContext, 'setAmiState' | 'count' | 'setError'>;
  /** Wakes the sender within milliseconds of a commit by any process; its creator closes it. */
  changes?: Pick<WakeSignal, 'on' | 'off'>;
  /** For tests: a client other than a fresh AmiClient from the config. */
  client?: Pick<AmiPort, 'connected' | 'sendList' | 'on' | 'start' | 'stop'>;
}

/**
 * The action-sender worker: one persistent AMI connection with events off, rows in, actions out,
 * at most once. Returns after a stop (signal) once in-flight responses were awaited or recorded
 * LOST.
 */
export async function runActionSender(opts: RunActionSenderOptions): Promise<void> {
  const { config, logger, ctx } = opts;
  const s = config.action_sender;
  const client = opts.client ?? new AmiClient(amiClientOptions(config.ami, 'action-sender', logger, { events: 'off', actionTimeoutMs: s.response_timeout_ms }));
  client.on('state', (state: string) => ctx.setAmiState(state));
  client.on('error', (err: Error) => ctx.setError(err));

  const sender = new ActionSender(
    opts.db,
    client,
    {
      server: config.server.name,
      policy: senderPolicy(config, config.server.name),
      ratePerSecond: s.rate_per_second,
      maxInFlight: s.max_in_flight,
      responseTimeoutMs: s.response_timeout_ms,
      ttlSeconds: s.ttl_seconds,
      // Leave the supervisor's drain budget some room for recording the outcomes.
      drainMs: Math.min(s.response_timeout_ms, Math.max(0, config.workers.drain_seconds * 1000 * 0.8)),
    },
    logger,
    ctx,
  );
  // The sender owns the queue's lifecycle, so it also archives terminal rows and prunes the archive and the change log.
  const maintenance = scheduleMaintenance({
    db: opts.db,
    server: config.server.name,
    tasks: ['archive', 'prune-archive', 'prune-changes'],
    settings: config.maintenance,
    logger,
  });
  const wake = (): void => sender.wake();
  opts.changes?.on('change', wake);
  client.start();
  try {
    await sender.run(opts.signal);
  } finally {
    opts.changes?.off('change', wake);
    await maintenance.stop();
    await client.stop();
  }
}

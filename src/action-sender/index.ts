import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AmiClient } from '../shared/ami/client.js';
import type { AmiqConfig } from '../shared/config/index.js';
import type { Database } from '../shared/db/schema.js';
import { ActionSender, type SenderClient } from './sender-loop.js';

/** The worker context runWorker hands in (core's interface). */
export interface SenderWorkerContext {
  setAmiState(state: string): void;
  count(name: string, n?: number): void;
  setError(err: unknown): void;
}

/** A cross-process commit signal (core's createChangeSignal over PRAGMA data_version); its creator closes it. */
export interface ChangeSignal {
  on(event: 'change', fn: () => void): unknown;
  off(event: 'change', fn: () => void): unknown;
}

export interface RunActionSenderOptions {
  config: AmiqConfig;
  db: Kysely<Database>;
  logger: Logger;
  signal: AbortSignal;
  ctx: SenderWorkerContext;
  /** Wakes the sender within milliseconds of a commit by any process. */
  changes?: ChangeSignal;
  /** For tests: a client other than a fresh AmiClient from the config. */
  client?: SenderClient & { start(): void; stop(): Promise<void> };
}

/**
 * The action-sender worker: one persistent AMI connection with events off, rows in, actions out,
 * at most once. Returns after a stop (signal) once in-flight responses were awaited or recorded
 * LOST.
 */
export async function runActionSender(opts: RunActionSenderOptions): Promise<void> {
  const { config, logger, ctx } = opts;
  const s = config.action_sender;
  const client =
    opts.client ??
    new AmiClient({
      host: config.ami.host,
      port: config.ami.port,
      username: config.ami.username,
      secret: config.ami.secret,
      authType: config.ami.auth_type,
      events: 'off',
      logger: logger.child({ component: 'ami' }),
      actionTimeoutMs: s.response_timeout_ms,
      connectTimeoutMs: config.ami.connect_timeout_ms,
      pingIntervalMs: config.ami.ping_interval_ms,
      pingTimeoutMs: config.ami.ping_timeout_ms,
      reconnect: { minDelayMs: config.ami.reconnect_min_ms, maxDelayMs: config.ami.reconnect_max_ms },
      // Row ActionIDs are amiq-<id>-<salt>; the client's own (Ping, Logoff) must never look like one.
      actionIdPrefix: `amiq-sender-${process.pid}-`,
    });
  client.on('state', (state: string) => ctx.setAmiState(state));
  client.on('error', (err: Error) => ctx.setError(err));

  const sender = new ActionSender(
    opts.db,
    client,
    {
      server: config.server.name,
      policy: { allowedActions: s.allowed_actions, allowedCommands: s.allowed_commands },
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
  const wake = (): void => sender.wake();
  opts.changes?.on('change', wake);
  client.start();
  try {
    await sender.run(opts.signal);
  } finally {
    opts.changes?.off('change', wake);
    await client.stop();
  }
}

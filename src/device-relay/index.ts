import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiPort } from '../shared/ami/ami-port.js';
import { AmiClient } from '../shared/ami/client.js';
import type { AmiMessage } from '../shared/ami/message.js';
import { amiClientOptions, relayTargets, type AmiqConfig } from '../shared/config/index.js';
import type { Database } from '../shared/db/schema.js';
import type { WorkerContext } from '../shared/worker/index.js';
import { converge } from './converge.js';
import { relayFilter } from './relay-filter.js';
import { RelayWriter } from './relay-writer.js';
import { stateChangeOf } from './state-change.js';

export { RelayWriter, type RelayWriterOptions } from './relay-writer.js';
export { relayFilter } from './relay-filter.js';
export { stateChangeOf, type StateChange } from './state-change.js';

export interface RunDeviceRelayOptions {
  config: AmiqConfig;
  db: Kysely<Database>;
  logger: Logger;
  signal: AbortSignal;
  ctx: Pick<WorkerContext, 'setAmiState' | 'count' | 'setCounter' | 'setError'>;
  /** For tests: a client other than a fresh AmiClient from the config. */
  client?: Pick<AmiPort, 'sendList' | 'on' | 'start' | 'stop'>;
  /** For tests and the benchmark: called once the first convergence is done. */
  onConverged?: () => void;
}

/**
 * The device-relay worker: one AMI connection to its server (call events), the server's
 * DeviceStateChange / PresenceStateChange relayed as SetVar rows for each other server of the
 * group, which their action-senders send. Lists the current states after each (re)connect.
 * Returns once stopped (signal), after the write in progress.
 */
export async function runDeviceRelay(opts: RunDeviceRelayOptions): Promise<void> {
  const { config, logger, ctx } = opts;
  const targets = relayTargets(config);
  const settings = config.device_relay;
  const server = config.server.name;
  // Both events are of class call: the relay reads no other.
  const client = opts.client ?? new AmiClient(amiClientOptions(config.ami, 'device-relay', logger, { events: 'call' }));
  const writer = new RelayWriter({
    db: opts.db,
    server,
    targets,
    priority: settings.priority,
    expireSeconds: settings.expire_seconds,
    logger,
    count: (name, n) => ctx.count(name, n),
    setError: (err) => ctx.setError(err),
  });
  const relayed = relayFilter(settings);
  const onEvent = (msg: AmiMessage): void => {
    const c = stateChangeOf(msg);
    if (c === null) return;
    if (!relayed(c)) return ctx.count('skipped');
    ctx.count('states');
    writer.offer(c);
  };
  let converged = false;
  const onConnected = (): void => {
    writer.forget();
    void converge({
      client,
      db: opts.db,
      server,
      deviceState: settings.device_state,
      presence: settings.presence,
      logger,
      offer: (c) => relayed(c) && writer.offer(c),
      resend: (rows) => writer.resend(rows),
    })
      .catch((err: unknown) => {
        ctx.setError(err);
        logger.warn({ err }, 'device relay: convergence failed');
      })
      .finally(() => {
        if (!converged) opts.onConverged?.();
        converged = true;
      });
  };
  client.on('event', onEvent);
  client.on('connected', onConnected);
  client.on('state', (state) => ctx.setAmiState(state));
  client.on('error', (err) => ctx.setError(err));
  const backlog = setInterval(() => ctx.setCounter('backlog', writer.backlog), 1000);
  logger.info({ targets, devices: settings.devices, presentities: settings.presentities }, 'device relay: relaying');
  try {
    client.start();
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted) return resolve();
      opts.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(backlog);
    await client.stop();
    await writer.close();
  }
}

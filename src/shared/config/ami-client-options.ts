import type { Logger } from 'pino';
import type { AmiClientOptions } from '../ami/client-types.js';
import type { AmiqConfig } from './schema.js';

/** What a worker's connection has of its own; everything else comes from `[ami]`. */
export type WorkerAmiOptions = Pick<AmiClientOptions, 'events'> & Partial<Omit<AmiClientOptions, 'events'>>;

/**
 * The options of a worker's one AMI connection: `[ami]` (address, credentials, timeouts,
 * keepalive, reconnect backoff) plus the worker's own (events, action timeout, backlog).
 * The protocol layer knows nothing of the config file; this is the one place they meet.
 */
export function amiClientOptions(ami: AmiqConfig['ami'], worker: string, logger: Logger, own: WorkerAmiOptions): AmiClientOptions {
  return {
    host: ami.host,
    port: ami.port,
    username: ami.username,
    secret: ami.secret,
    authType: ami.auth_type,
    connectTimeoutMs: ami.connect_timeout_ms,
    pingIntervalMs: ami.ping_interval_ms,
    pingTimeoutMs: ami.ping_timeout_ms,
    reconnect: { minDelayMs: ami.reconnect_min_ms, maxDelayMs: ami.reconnect_max_ms },
    logger: logger.child({ component: 'ami' }),
    // A worker's own ActionIDs (Ping, Logoff, lists) never look like a row's `amiq-<id>-<salt>`.
    actionIdPrefix: `amiq-${worker}-${process.pid}-`,
    ...own,
  };
}

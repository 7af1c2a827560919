import type { Logger } from 'pino';
import type { AmiClientOptions } from '../ami/client-types.js';
import type { AmiqConfig, AmiWorkerName } from './schema.js';

/** What a worker's connection has of its own; everything else comes from `[ami]`. */
export type WorkerAmiOptions = Pick<AmiClientOptions, 'events'> & Partial<Omit<AmiClientOptions, 'events'>>;

/** Short names in ActionIDs: a worker's own ActionIDs (Ping, Logoff, lists) never look like a row's `amiq-<id>-<salt>`. */
const ACTION_ID_TAG: Record<AmiWorkerName, string> = {
  'action-sender': 'sender',
  'manager-listener': 'listener',
  heartbeat: 'heartbeat',
  'meetme-cleaner': 'cleaner',
  'device-relay': 'relay',
};

/** The manager.conf user a worker logs in as: its own `[ami.users.<worker>]`, else `[ami]`'s. */
export function amiUserFor(ami: AmiqConfig['ami'], worker: AmiWorkerName): { username: string; secret: string } {
  return ami.users[worker] ?? { username: ami.username, secret: ami.secret };
}

/**
 * The options of a worker's one AMI connection: `[ami]` (address, credentials, timeouts,
 * keepalive, reconnect backoff) plus the worker's own (user, events, action timeout, backlog).
 * The protocol layer knows nothing of the config file; this is the one place they meet.
 */
export function amiClientOptions(ami: AmiqConfig['ami'], worker: AmiWorkerName, logger: Logger, own: WorkerAmiOptions): AmiClientOptions {
  return {
    host: ami.host,
    port: ami.port,
    ...amiUserFor(ami, worker),
    authType: ami.auth_type,
    connectTimeoutMs: ami.connect_timeout_ms,
    pingIntervalMs: ami.ping_interval_ms,
    pingTimeoutMs: ami.ping_timeout_ms,
    reconnect: { minDelayMs: ami.reconnect_min_ms, maxDelayMs: ami.reconnect_max_ms },
    logger: logger.child({ component: 'ami' }),
    actionIdPrefix: `amiq-${ACTION_ID_TAG[worker]}-${process.pid}-`,
    ...own,
  };
}

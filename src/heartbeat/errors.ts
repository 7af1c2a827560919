import { HeartbeatError } from '../shared/heartbeat-protocol/errors.js';

/** A `heartbeat.allow` entry that is not an IPv4/IPv6 address or CIDR network. */
export class AllowListError extends HeartbeatError {}

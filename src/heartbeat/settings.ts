import { HeartbeatError } from './errors.js';
import { DEFAULT_MAX_DATAGRAM_BYTES } from './udp-server.js';

/** `[heartbeat]` as written in amiq.toml (SPEC §10 keys plus the heartbeat's own). */
export interface HeartbeatConfigSection {
  bind?: string;
  port?: number;
  reply_port?: number;
  allow?: readonly string[];
  span_first_channel?: number;
  counted_states?: readonly string[];
  /** Channel states older than this are reported down (AMI unreachable or listing failing). */
  stale_seconds?: number;
  /** Full channel listing period (CoreShowChannels or the concise CLI listing). */
  resync_seconds?: number;
  /** Larger datagrams are dropped and counted, not answered. */
  max_datagram_bytes?: number;
}

export interface HeartbeatSettings {
  bind: string;
  port: number;
  replyPort: number;
  allow: string[];
  spanFirstChannel: number;
  countedStates: string[];
  staleMs: number;
  resyncMs: number;
  maxDatagramBytes: number;
  /** How often bit 63 is re-read from the workers table (not a config key: ~1 s is the contract). */
  cleanerRefreshMs: number;
}

export const HEARTBEAT_DEFAULTS: Readonly<HeartbeatSettings> = {
  bind: '0.0.0.0',
  port: 5050,
  replyPort: 5049,
  allow: ['127.0.0.0/8'],
  spanFirstChannel: 1,
  countedStates: ['Up'],
  staleMs: 15_000,
  resyncMs: 5_000,
  maxDatagramBytes: DEFAULT_MAX_DATAGRAM_BYTES,
  cleanerRefreshMs: 1000,
};

export function heartbeatSettings(section: HeartbeatConfigSection = {}): HeartbeatSettings {
  const d = HEARTBEAT_DEFAULTS;
  return {
    bind: section.bind ?? d.bind,
    port: section.port ?? d.port,
    replyPort: section.reply_port ?? d.replyPort,
    allow: [...(section.allow ?? d.allow)],
    spanFirstChannel: section.span_first_channel ?? d.spanFirstChannel,
    countedStates: [...(section.counted_states ?? d.countedStates)],
    staleMs: section.stale_seconds !== undefined ? section.stale_seconds * 1000 : d.staleMs,
    resyncMs: section.resync_seconds !== undefined ? section.resync_seconds * 1000 : d.resyncMs,
    maxDatagramBytes: section.max_datagram_bytes ?? d.maxDatagramBytes,
    cleanerRefreshMs: d.cleanerRefreshMs,
  };
}

/**
 * Between two listings the map is confirmed only by events, which an idle PBX does not send:
 * a staleness limit not above the listing period would report idle-but-up channels down.
 */
export function checkHeartbeatSettings(s: HeartbeatSettings): HeartbeatSettings {
  if (s.staleMs <= s.resyncMs) {
    throw new HeartbeatError('heartbeat.stale_seconds: must be greater than heartbeat.resync_seconds', { staleMs: s.staleMs, resyncMs: s.resyncMs });
  }
  return s;
}

import type { AmiqConfig } from '../shared/config/index.js';
import { HeartbeatError } from '../shared/heartbeat-protocol/errors.js';

export interface HeartbeatSettings {
  bind: string;
  port: number;
  replyPort: number;
  allow: string[];
  spanFirstChannel: number;
  countedStates: string[];
  /** Channel states older than this (AMI unreachable, listings failing) are reported down. */
  staleMs: number;
  /** Full channel listing period (CoreShowChannels or the concise CLI listing). */
  resyncMs: number;
  /** Larger datagrams are dropped and counted, not answered. */
  maxDatagramBytes: number;
  /** How often bit 63 is re-read from the workers table (not a config key: ~1 s is the contract). */
  cleanerRefreshMs: number;
}

/** `[heartbeat]` (defaults already applied by core's config) in the units the code uses. */
export function heartbeatSettings(section: AmiqConfig['heartbeat']): HeartbeatSettings {
  return {
    bind: section.bind,
    port: section.port,
    replyPort: section.reply_port,
    allow: [...section.allow],
    spanFirstChannel: section.span_first_channel,
    countedStates: [...section.counted_states],
    staleMs: section.stale_seconds * 1000,
    resyncMs: section.resync_seconds * 1000,
    maxDatagramBytes: section.max_datagram_bytes,
    cleanerRefreshMs: 1000,
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

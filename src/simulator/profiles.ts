import type { EventTable } from './events.js';
import { EVENTS_22 } from './events-22.js';
import { EVENTS_11, EVENTS_14 } from './events-legacy.js';
import type { ProfileName } from './types.js';

/** Everything that differs between the simulated Asterisk versions, as data (REFERENCE §1-§4). */
export interface ProfileSpec {
  name: ProfileName;
  banner: string;
  events: EventTable;
  /** 12+: snapshot blocks in list items, `Output:` command replies, ActionID first in list completions. */
  modern: boolean;
  /** Command replies: `Output:` headers (14+) or a `Response: Follows` body. */
  commandStyle: 'output' | 'follows';
  /** `core show channels concise` layout. */
  concise: '12+' | '1.8' | '1.4';
  /** Local channel suffix: `-XXXXXXXX;1` (1.8+) or `-XXXX,1` (1.4). */
  localSuffixDigits: number;
  localHalfSeparator: string;
  e1Tech: 'DAHDI' | 'Zap';
  /** Technology of simulated phones (exten 800, conference members). */
  phoneTech: 'PJSIP' | 'SIP';
  fullyBootedUptime: boolean;
  securityEvents: boolean;
  /** Separator of several NAME=value pairs inside one Originate `Variable:` header. */
  variableSeparator: string;
  notAuthenticated: string;
  hasCoreShowChannels: boolean;
  hasConfbridge: boolean;
  hasMeetmeListRooms: boolean;
  /** get_input's buffer: the longest line taken whole, CRLF included (1.4: 1023; 1.6+: 1024). */
  maxLineBytes: number;
  /**
   * A message with an over-long line: refused with `Failed to parse message: line too long`
   * (1.8.19+, 10+), or run with the line's first bytes gone and no word about it (1.4).
   */
  longLineError: boolean;
  /** manager.conf `authtimeout` closes sessions that do not log in within it (1.4 has none). */
  authTimeout: boolean;
  version: string;
  /** Hangup cause of both halves when an Originate Timeout ends a ringing call (18: 0, later 19). */
  timeoutCause: number;
  /**
   * Canonical order of the races between a call's threads (see races.ts): thread indexes, step
   * by step, as this version's captures show them. Varied order draws them instead.
   */
  canonical: CanonicalOrders;
}

export interface CanonicalOrders {
  /** pbx.hangup: [named side (request, Hangup), peer (soft request + Hangup)]. */
  hangup: readonly number[];
  /**
   * Busy/Congestion on `;2`: [originate thread (DialEnd, HangupRequest ;2, OriginateResponse,
   * Hangup ;1), `;2` (Newstate, soft request, Hangup, device)].
   */
  busy: readonly number[];
  /** Originate Timeout: [originate thread (HangupRequest ;2, Hangup ;1, device), `;2` (soft request, Hangup, device), OriginateResponse]. */
  timeout: readonly number[];
  /** Ringing on `;2`: [`;2` (next priority, device INUSE), originate thread (DialState RINGING)]. */
  ringing: readonly number[];
}

/** asterisk-22 captures (originate-busy, originate-timeout, hangup-cause16); ringing as asterisk-20. */
const CANONICAL_22: CanonicalOrders = {
  hangup: [0, 0, 1],
  busy: [1, 0, 0, 1, 1, 0, 1, 0],
  timeout: [0, 2, 0, 1, 1, 0, 1],
  ringing: [0, 0, 1],
};

const ASTERISK_11: ProfileSpec = {
  name: 'asterisk-11',
  banner: 'Asterisk Call Manager/1.3',
  events: EVENTS_11,
  modern: false,
  commandStyle: 'follows',
  concise: '1.8',
  localSuffixDigits: 8,
  localHalfSeparator: ';',
  e1Tech: 'Zap',
  phoneTech: 'SIP',
  fullyBootedUptime: false,
  securityEvents: true,
  variableSeparator: ',',
  notAuthenticated: 'Permission denied',
  hasCoreShowChannels: true,
  hasConfbridge: true,
  hasMeetmeListRooms: true,
  maxLineBytes: 1024,
  longLineError: true,
  authTimeout: true,
  version: 'Asterisk 11.25.3 built by amiq-simulator on a x86_64 running Linux',
  timeoutCause: 19,
  canonical: CANONICAL_22,
};

const ASTERISK_22: ProfileSpec = {
  ...ASTERISK_11,
  name: 'asterisk-22',
  banner: 'Asterisk Call Manager/11.0.0',
  events: EVENTS_22,
  modern: true,
  commandStyle: 'output',
  concise: '12+',
  e1Tech: 'DAHDI',
  phoneTech: 'PJSIP',
  fullyBootedUptime: true,
  version: 'Asterisk 22.10.1 built by amiq-simulator on a x86_64 running Linux',
};

export const PROFILES: Record<ProfileName, ProfileSpec> = {
  'asterisk-22': ASTERISK_22,
  // Same events, fields and texts as 22 (captures asterisk-20, asterisk-18); the banner and the
  // captured orders differ, and 18 ends a timed-out Originate with cause 0 on both halves.
  'asterisk-20': {
    ...ASTERISK_22,
    name: 'asterisk-20',
    banner: 'Asterisk Call Manager/9.0.0',
    version: 'Asterisk 20.20.1 built by amiq-simulator on a x86_64 running Linux',
    canonical: { ...CANONICAL_22, timeout: [0, 2, 1, 1, 0, 0, 1] },
  },
  'asterisk-18': {
    ...ASTERISK_22,
    name: 'asterisk-18',
    banner: 'Asterisk Call Manager/7.0.3',
    version: 'Asterisk 18.26.4 built by amiq-simulator on a x86_64 running Linux',
    timeoutCause: 0,
    canonical: { ...CANONICAL_22, timeout: [0, 1, 1, 0, 2, 0, 1], ringing: [1, 0, 0] },
  },
  'asterisk-11': ASTERISK_11,
  'asterisk-1.4': {
    ...ASTERISK_11,
    name: 'asterisk-1.4',
    banner: 'Asterisk Call Manager/1.0',
    events: EVENTS_14,
    concise: '1.4',
    localSuffixDigits: 4,
    localHalfSeparator: ',',
    securityEvents: false,
    variableSeparator: '|',
    notAuthenticated: 'Authentication Required',
    hasCoreShowChannels: false,
    hasConfbridge: false,
    hasMeetmeListRooms: false,
    maxLineBytes: 1023,
    longLineError: false,
    authTimeout: false,
    version: 'Asterisk 1.4.44 built by amiq-simulator on a x86_64 running Linux',
  },
};

export function getProfile(name: string | undefined): ProfileSpec {
  const spec = PROFILES[(name ?? 'asterisk-22') as ProfileName];
  if (!spec) throw new Error(`unknown simulator profile ${JSON.stringify(name)}; expected one of ${Object.keys(PROFILES).join(', ')}`);
  return spec;
}

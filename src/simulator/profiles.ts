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
}

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
};

export const PROFILES: Record<ProfileName, ProfileSpec> = {
  'asterisk-22': {
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

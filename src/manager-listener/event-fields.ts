import type { AmiMessage } from '../shared/ami/message.js';

/** The variable the sender sets on every Originate (SPEC §4). */
export const AMIQ_VAR = 'AMIQ_ID';

/**
 * One channel an event describes. 12+ events carry whole snapshots, some with a prefix (Dest,
 * LocalOne, LocalTwo); ≤11 events carry Channel/Uniqueid or Channel1/Uniqueid1 pairs.
 */
export interface ChannelRef {
  prefix: string;
  channel: string | undefined;
  uniqueid: string | undefined;
  linkedid: string | undefined;
  /** ChannelState number (1.6+) or the 1.4 State text. */
  state: string | undefined;
  cidNum: string | undefined;
  cidName: string | undefined;
  /** AMIQ_ID from ChanVariable / ChanVariable(<chan>) / VarSet; undefined or '' when unset. */
  amiqId: string | undefined;
}

/** What the tracker needs of one event, read in one pass over its headers. */
export interface EventFields {
  /** Lower-cased event name: Asterisk spells some differently across versions (Newcallerid). */
  name: string;
  refs: ChannelRef[];
  /** Lower-cased key → first value, for the few event-specific fields. */
  get(key: string): string | undefined;
  msg: AmiMessage;
}

const PREFIXES = ['dest', 'localone', 'localtwo'] as const;

// Keys of a snapshot block (lower case, without prefix) → ChannelRef field.
const SNAPSHOT_KEYS: Record<string, keyof ChannelRef> = {
  channel: 'channel',
  uniqueid: 'uniqueid',
  linkedid: 'linkedid',
  channelstate: 'state',
  calleridnum: 'cidNum',
  calleridname: 'cidName',
};

// Event-specific fields the tracker reads; only these are kept (an event has 15-60 headers).
const WANTED = new Set([
  'event', 'actionid', 'response', 'reason', 'uniqueid', 'channel', 'oldname', 'newname', 'variable', 'value',
  'cause', 'cause-txt', 'dialstatus', 'state', 'callerid', 'destination', 'channel1', 'channel2', 'uniqueid1', 'uniqueid2',
]);

function emptyRef(prefix: string): ChannelRef {
  return { prefix, channel: undefined, uniqueid: undefined, linkedid: undefined, state: undefined, cidNum: undefined, cidName: undefined, amiqId: undefined };
}

/** The event's reference for `prefix`, made on first use. */
function refFor(refs: Map<string, ChannelRef>, prefix: string): ChannelRef {
  let r = refs.get(prefix);
  if (r === undefined) refs.set(prefix, (r = emptyRef(prefix)));
  return r;
}

/** `AMIQ_ID=42` → '42'; another variable → undefined. */
function amiqValue(assignment: string): string | undefined {
  return assignment.startsWith(AMIQ_VAR + '=') ? assignment.slice(AMIQ_VAR.length + 1) : undefined;
}

/** The known prefix of a lower-cased key ('' if none), e.g. 'destuniqueid' → 'dest'. */
function prefixOf(lk: string): string {
  const c = lk.charCodeAt(0);
  if (c !== 100 /* d */ && c !== 108 /* l */) return '';
  for (const p of PREFIXES) if (lk.length > p.length && lk.startsWith(p)) return p;
  return '';
}

/** What readEvent does with one header key, worked out once per spelling. */
interface KeyRole {
  lk: string;
  wanted: boolean;
  prefix: string;
  field: keyof ChannelRef | undefined;
  isVar: boolean;
}

const roles = new Map<string, KeyRole>();
// Asterisk sends a few dozen key spellings; a peer inventing keys must not grow the cache forever.
const MAX_ROLES = 4096;

function roleOf(key: string): KeyRole {
  let role = roles.get(key);
  if (role !== undefined) return role;
  const lk = key.toLowerCase();
  const prefix = prefixOf(lk);
  const rest = prefix === '' ? lk : lk.slice(prefix.length);
  const field = SNAPSHOT_KEYS[rest];
  role = { lk, wanted: WANTED.has(lk), prefix, field, isVar: field === undefined && rest.startsWith('chanvariable') };
  if (roles.size < MAX_ROLES) roles.set(key, role);
  return role;
}

/**
 * Read an event once: every channel it names with the correlation keys it carries. Key lookup
 * is case-insensitive, as Asterisk's is. Values are kept as sent.
 */
export function readEvent(msg: AmiMessage): EventFields {
  const first = new Map<string, string>();
  const refs = new Map<string, ChannelRef>();
  for (const [key, value] of msg.headers) {
    const { lk, wanted, prefix, field, isVar } = roleOf(key);
    if (wanted && !first.has(lk)) first.set(lk, value);
    if (field === undefined && !isVar) continue;
    const r = refFor(refs, prefix);
    if (field !== undefined) {
      if (r[field] === undefined) r[field] = value;
    } else {
      const v = amiqValue(value);
      if (v !== undefined && v !== '') r.amiqId = v;
    }
  }
  const get = (k: string): string | undefined => first.get(k);
  const base = refs.get('');
  if (base) {
    // 1.4 spells the state `State: Up` and the number `CallerID`; 1.6-11 Dial uses `UniqueID` (same key).
    base.state ??= get('state');
    base.cidNum ??= get('callerid');
  }
  const name = (get('event') ?? '').toLowerCase();
  if (name === 'varset' && base && get('variable') === AMIQ_VAR && get('value')) base.amiqId = get('value');
  // ≤11 Dial names the callee `Destination` (its DestUniqueID was read above).
  const destination = get('destination');
  if (destination !== undefined) refFor(refs, 'dest').channel ??= destination;
  const out: ChannelRef[] = [...refs.values()];
  // ≤11 pairs: Bridge/LocalBridge/Link (Channel1/Uniqueid1, Channel2/Uniqueid2).
  for (const n of ['1', '2']) {
    const ch = get('channel' + n);
    if (ch !== undefined) out.push({ ...emptyRef('pair' + n), channel: ch, uniqueid: get('uniqueid' + n) });
  }
  return { name, refs: out, get, msg };
}

/** Values Asterisk writes for "no caller id". */
export function isUnknownCid(v: string | undefined): boolean {
  return v === undefined || v === '' || v === '<unknown>' || v === '<Unknown>' || v === '<null>';
}

/** A Uniqueid that names no channel (failed OriginateResponse, VarSet without channel). */
export function isRealUniqueid(v: string | undefined): v is string {
  return v !== undefined && v !== '' && v !== '<unknown>' && v !== '<null>' && v !== 'none';
}

/** 1.6.2+ `;2`, 1.4 `,2`: the second half of a Local channel, which a row never tracks. */
export function isSecondHalf(channel: string | undefined): boolean {
  return channel !== undefined && channel.startsWith('Local/') && (channel.endsWith(';2') || channel.endsWith(',2'));
}

/** The first half's name for a second half (`X;2` → `X;1`). */
export function firstHalfOf(channel: string): string {
  return channel.slice(0, -1) + '1';
}

/** ≤11 masquerade leftovers: names that no longer belong to a live call. */
export function isMasqueradeName(channel: string | undefined): boolean {
  return channel !== undefined && (channel.endsWith('<ZOMBIE>') || channel.endsWith('<MASQ>'));
}

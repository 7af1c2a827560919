import { HeaderKeys } from '../shared/ami/header-key.js';
import type { AmiMessage, HeaderSink } from '../shared/ami/message.js';

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
export const WANTED = [
  'event',
  'actionid',
  'response',
  'reason',
  'uniqueid',
  'channel',
  'oldname',
  'newname',
  'variable',
  'value',
  'cause',
  'cause-txt',
  'dialstatus',
  'state',
  'callerid',
  'destination',
  'channel1',
  'channel2',
  'uniqueid1',
  'uniqueid2',
];
const WANTED_INDEX = new Map(WANTED.map((k, i) => [k, i]));
const PAIRS = [
  ['channel1', 'uniqueid1', 'pair1'],
  ['channel2', 'uniqueid2', 'pair2'],
] as const;

function emptyRef(prefix: string): ChannelRef {
  return { prefix, channel: undefined, uniqueid: undefined, linkedid: undefined, state: undefined, cidNum: undefined, cidName: undefined, amiqId: undefined };
}

/** The event's reference for `prefix`, made on first use (an event names at most a few). */
function refFor(refs: ChannelRef[], prefix: string): ChannelRef {
  for (const r of refs) if (r.prefix === prefix) return r;
  const r = emptyRef(prefix);
  refs.push(r);
  return r;
}

/** `AMIQ_ID=42` → '42'; another variable → undefined. */
function amiqValue(assignment: string): string | undefined {
  return assignment.startsWith(AMIQ_VAR + '=') ? assignment.slice(AMIQ_VAR.length + 1) : undefined;
}

/** What readEvent does with one header key (lower case; keys are matched ignoring ASCII case). */
interface KeyRole {
  lk: string;
  /** Index in WANTED, or -1. */
  wanted: number;
  prefix: string;
  field: keyof ChannelRef | undefined;
  isVar: boolean;
}

/** Every key readEvent reads whole: WANTED and the snapshot keys of each prefix. */
const EXACT_ROLES: KeyRole[] = (() => {
  const roles = new Map<string, KeyRole>();
  const role = (lk: string, prefix: string): KeyRole => {
    let r = roles.get(lk);
    if (r === undefined) roles.set(lk, (r = { lk, wanted: -1, prefix, field: undefined, isVar: false }));
    return r;
  };
  WANTED.forEach((lk, i) => (role(lk, '').wanted = i));
  for (const prefix of ['', ...PREFIXES]) {
    for (const [key, field] of Object.entries(SNAPSHOT_KEYS)) role(prefix + key, prefix).field = field;
  }
  return [...roles.values()];
})();

/** ChanVariable, ChanVariable(<chan>) (1.8-11) and their prefixed forms: matched on the start of the key. */
const VAR_ROLES: KeyRole[] = ['', ...PREFIXES].map((prefix) => ({ lk: `${prefix}chanvariable`, wanted: -1, prefix, field: undefined, isVar: true }));

/** KEYS matches a key by its index here. */
const ROLES = [...EXACT_ROLES, ...VAR_ROLES];
const KEYS = new HeaderKeys(
  EXACT_ROLES.map((r) => r.lk),
  VAR_ROLES.map((r) => r.lk),
);

class Fields implements EventFields, HeaderSink {
  name = '';
  readonly refs: ChannelRef[] = [];
  private readonly firsts: (string | undefined)[] = new Array<string | undefined>(WANTED.length);

  constructor(readonly msg: AmiMessage) {}

  get(key: string): string | undefined {
    const i = WANTED_INDEX.get(key);
    return i === undefined ? undefined : this.firsts[i];
  }

  take(id: number, value: string): void {
    const role = ROLES[id]!;
    if (role.wanted >= 0) this.firsts[role.wanted] ??= value;
    if (role.field === undefined && !role.isVar) return;
    const r = refFor(this.refs, role.prefix);
    if (role.field !== undefined) r[role.field] ??= value;
    else {
      const v = amiqValue(value);
      if (v !== undefined && v !== '') r.amiqId = v;
    }
  }
}

/**
 * Read an event once: every channel it names with the correlation keys it carries. Key lookup
 * is case-insensitive, as Asterisk's is. Values are kept as sent.
 */
export function readEvent(msg: AmiMessage): EventFields {
  const f = new Fields(msg);
  msg.scan(KEYS, f);
  const base = f.refs.find((r) => r.prefix === '');
  if (base) {
    // 1.4 spells the state `State: Up` and the number `CallerID`; 1.6-11 Dial uses `UniqueID` (same key).
    base.state ??= f.get('state');
    base.cidNum ??= f.get('callerid');
  }
  f.name = (f.get('event') ?? '').toLowerCase();
  if (f.name === 'varset' && base && f.get('variable') === AMIQ_VAR && f.get('value')) base.amiqId = f.get('value');
  // ≤11 Dial names the callee `Destination` (its DestUniqueID was read above).
  const destination = f.get('destination');
  if (destination !== undefined) refFor(f.refs, 'dest').channel ??= destination;
  // ≤11 pairs: Bridge/LocalBridge/Link (Channel1/Uniqueid1, Channel2/Uniqueid2).
  for (const [channel, uniqueid, prefix] of PAIRS) {
    const ch = f.get(channel);
    if (ch !== undefined) f.refs.push({ ...emptyRef(prefix), channel: ch, uniqueid: f.get(uniqueid) });
  }
  return f;
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

/** 1.6.2+ `;1`, 1.4 `,1`: the half of a Local channel a row tracks; its `;2` may report the real hangup cause. */
export function isFirstHalf(channel: string | undefined): boolean {
  return channel !== undefined && channel.startsWith('Local/') && (channel.endsWith(';1') || channel.endsWith(',1'));
}

/** The first half's name for a second half (`X;2` → `X;1`). */
export function firstHalfOf(channel: string): string {
  return channel.slice(0, -1) + '1';
}

/** ≤11 masquerade leftovers: names that no longer belong to a live call. */
export function isMasqueradeName(channel: string | undefined): boolean {
  return channel !== undefined && (channel.endsWith('<ZOMBIE>') || channel.endsWith('<MASQ>'));
}

import type { AmiHeader } from '../shared/ami/message.js';
import type { SimChannel } from './types.js';
import type { PresenceInfo } from './devices.js';
import type { Hint } from './hints.js';

/** What the call model reports; each profile's table turns it into that version's event, or nothing. */
export type EventKind =
  | 'Newchannel'
  | 'Newstate'
  | 'Newexten'
  /** The AppDial2 "(Outgoing Line)" Newexten of an originated channel (12+ only). */
  | 'OutgoingLine'
  | 'NewCallerid'
  | 'NewConnectedLine'
  | 'VarSet'
  | 'LocalBridge'
  | 'DialBegin'
  | 'DialState'
  | 'DialEnd'
  /** Two-party bridge of a Dial (12+: BridgeCreate/Enter come from the bridge kinds). */
  | 'BridgeLink'
  | 'BridgeUnlink'
  | 'Masquerade'
  | 'Rename'
  | 'HangupRequest'
  | 'SoftHangupRequest'
  | 'Hangup'
  | 'OriginateResponse'
  | 'DeviceStateChange'
  | 'PresenceStateChange'
  /** A hint's presence provider changed (hint->last_presence_*). */
  | 'PresenceStatus'
  /** A hinted extension's state changed (hint->laststate). */
  | 'ExtensionStatus'
  | 'BridgeCreate'
  | 'BridgeEnter'
  | 'BridgeLeave'
  | 'BridgeDestroy'
  | 'ConfbridgeStart'
  | 'ConfbridgeJoin'
  | 'ConfbridgeLeave'
  | 'ConfbridgeEnd'
  | 'MeetmeJoin'
  | 'MeetmeLeave'
  | 'MeetmeEnd';

export interface BridgeInfo {
  id: string;
  name: string;
  numChannels: number;
  /** ConfBridge: base/softmix/ConfBridge; a Dial's two-party bridge: basic/simple_bridge/''. */
  type: string;
  technology: string;
  creator: string;
}

export interface OriginateOutcome {
  actionId?: string;
  response: 'Success' | 'Failure';
  /** The real channel on success, the dial string on failure. */
  channel: string;
  context?: string;
  exten?: string;
  application?: string;
  data?: string;
  reason: number;
  chan?: SimChannel;
  /** The Uniqueid reported without a channel: the ChannelId the Originate gave (13+). */
  uniqueid?: string;
  callerNum: string;
  callerName: string;
}

export interface EventData {
  chan?: SimChannel;
  /** Dial events: the dialling channel (absent for an Originate); `chan` is the dialled one. */
  caller?: SimChannel;
  /** Masquerade and Rename: names and states as they were at that moment. */
  clone?: string;
  cloneState?: string;
  original?: string;
  originalState?: string;
  newName?: string;
  /** LocalBridge's second half. */
  other?: SimChannel;
  cause?: number;
  variable?: string;
  value?: string;
  dialString?: string;
  dialStatus?: string;
  bridge?: BridgeInfo;
  conference?: string;
  user?: number;
  /** Seconds in the conference (leave events). */
  duration?: number;
  device?: string;
  deviceState?: string;
  presence?: PresenceInfo;
  hint?: Hint;
  originate?: OriginateOutcome;
}

export interface BuildContext {
  /** manager.conf `channelvars`. */
  channelVars: readonly string[];
}

type Value = string | undefined;
/** A field: one header (left out when the getter gives undefined), or a block of headers. */
export type Field = readonly [key: string, get: (d: EventData, c: BuildContext) => Value] | ((d: EventData, c: BuildContext) => AmiHeader[]);

export interface EventSpec {
  /** Event name on the wire. */
  name: string;
  /** Class in `Privilege: <cls>,all`; also what an event mask filters on. */
  cls: string;
  fields: readonly Field[];
  /** Raised only when this holds (e.g. pre-12 Dial events need a dialling channel). */
  when?: (d: EventData) => boolean;
}

/** A profile's event table; a missing kind means this version does not raise that event. */
export type EventTable = Partial<Record<EventKind, EventSpec>>;

export interface BuiltEvent {
  cls: string;
  headers: AmiHeader[];
}

export function buildEvent(table: EventTable, kind: EventKind, data: EventData, ctx: BuildContext): BuiltEvent | null {
  const spec = table[kind];
  if (!spec || (spec.when && !spec.when(data))) return null;
  const headers: AmiHeader[] = [
    ['Event', spec.name],
    ['Privilege', `${spec.cls},all`],
  ];
  appendFields(headers, spec.fields, data, ctx);
  return { cls: spec.cls, headers };
}

export function appendFields(out: AmiHeader[], fields: readonly Field[], data: EventData, ctx: BuildContext): void {
  for (const field of fields) {
    if (typeof field === 'function') {
      out.push(...field(data, ctx));
      continue;
    }
    const v = field[1](data, ctx);
    if (v !== undefined) out.push([field[0], v]);
  }
}

/** Field helper: a fixed key and a getter. */
export function f(key: string, get: (d: EventData, c: BuildContext) => Value): Field {
  return [key, get];
}

export function chanOf(d: EventData): SimChannel {
  if (!d.chan) throw new Error('event needs a channel');
  return d.chan;
}

/** Asterisk 12+ writes an empty caller or connected field as `<unknown>`. */
export function orUnknown(v: string): string {
  return v === '' ? '<unknown>' : v;
}

/** Pre-12 channel variables (append_channel_vars), still used by OriginateResponse in 22. */
export function chanVariableLines(ch: SimChannel | undefined, channelVars: readonly string[]): AmiHeader[] {
  return ch ? channelVars.map((v): AmiHeader => [`ChanVariable(${ch.name})`, `${v}=${ch.vars.get(v) ?? ''}`]) : [];
}

import type { AmiHeader } from '../shared/ami/message.js';
import type { BridgeInfo } from './events.js';

export type ProfileName = 'asterisk-22' | 'asterisk-20' | 'asterisk-18' | 'asterisk-11' | 'asterisk-1.4';

/** One action as the simulator received it (the test API's action log). */
export interface ActionRecord {
  action: string;
  actionId?: string;
  headers: AmiHeader[];
  connection: number;
  at: number;
}

export interface ConferenceRef {
  kind: 'confbridge' | 'meetme';
  room: string;
}

/**
 * A live channel. Event builders read it as the "snapshot", so its fields are the state Asterisk
 * would report at the moment an event is built.
 */
export interface SimChannel {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: number;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  accountCode: string;
  language: string;
  context: string;
  exten: string;
  priority: number;
  app: string;
  appData: string;
  vars: Map<string, string>;
  createdAt: number;
  /** The other half of a Local channel pair. */
  peer?: SimChannel;
  /** Device named in DeviceStateChange events (`Local/100@default`, `DAHDI/5`). */
  device: string;
  /** Bridge id while in a conference, '' otherwise. */
  bridgeId: string;
  conference?: ConferenceRef;
  alive: boolean;
  /** Bumped on redirect and hangup so that pending dialplan steps of the old place are dropped. */
  runToken: number;
  timers: Set<NodeJS.Timeout>;
  /** Set while an Originate waits for this channel to answer or fail. */
  pending?: PendingDial;
  /** The Originate that created this channel (its `;1`/`;2`, or the E1 channel). */
  origin?: Origin;
  /** A Dial's two-party link (exten 800): the other side, and what this side does when it goes. */
  bridge?: { partner: SimChannel; info?: BridgeInfo; onPartnerGone: () => void };
}

/** Hooks of an Originate waiting on the dialled channel. */
export interface PendingDial {
  answered(): void;
  failed(kind: 'busy' | 'congestion'): void;
  /** The channel went away (AMI Hangup, simulator close) before answering. */
  hungUp(): void;
}

/** What channels() returns: a plain copy, safe to keep. */
export interface ChannelInfo {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: string;
  context: string;
  exten: string;
  priority: number;
  application: string;
  appData: string;
  callerIdNum: string;
  callerIdName: string;
  bridgeId: string;
  conference?: ConferenceRef;
  variables: Record<string, string>;
}

export interface CallEndedInfo {
  channel: string;
  uniqueid: string;
  linkedid: string;
  cause: number;
}

/**
 * What the simulator did for one Originate (test API `originates()`): the outcome a listener's
 * row must show, taken from the call model rather than from the events on the wire.
 */
export interface OriginateRecord {
  actionId?: string;
  /** The Originate's Channel header. */
  dial: string;
  /** Success or Failure and the Reason (OriginateResponse, or the sync answer); unset until known. */
  response?: 'Success' | 'Failure';
  reason?: number;
  /** The originated channel (`;1` of a Local pair, or the E1 channel) and its ids; unset when none was created. */
  channel?: string;
  uniqueid?: string;
  linkedid?: string;
  /**
   * The call's hangup cause: the first non-zero Cause its channels hung up with (a Local `;1`
   * ends with 0 when `;2` carries the real cause, in either order), else 0; unset until one hung up.
   */
  cause?: number;
  causeText?: string;
  /** The outcome is known and every channel of the call has hung up. */
  ended: boolean;
}

/** A Setvar of DEVICE_STATE(…) or PRESENCE_STATE(…) as the simulator received it (test API `stateWrites()`). */
export interface StateWriteRecord {
  kind: 'device' | 'presence';
  /** The Setvar's Variable and Value headers. */
  variable: string;
  value: string;
  /** Applied (`Variable Set`) or refused as Asterisk would (`Variable not set`). */
  accepted: boolean;
  actionId?: string;
  connection: number;
  at: number;
}

/** Links an Originate's channels to its record while they live. */
export interface Origin {
  record: OriginateRecord;
  liveChannels: number;
}

import { EventEmitter } from 'node:events';
import { buildEvent, type BuiltEvent, type EventData, type EventKind } from './events.js';
import type { ProfileSpec } from './profiles.js';
import type { CallEndedInfo, ChannelInfo, Origin, SimChannel } from './types.js';
import { causeText, STATE, stateDesc } from './wire.js';
import { Conferences } from './conference.js';
import { unbridge } from './dial.js';
import { EventMixer } from './event-mixer.js';
import { interleave, step, type Step } from './races.js';
import type { Rng } from './rng.js';
import { Devices, isLocalDevice, type AstDb } from './devices.js';

export interface PbxOptions {
  timeScale: number;
  channelVars: readonly string[];
  e1Tech: 'DAHDI' | 'Zap';
  /** Varied event order (seeded); absent: the profile's canonical order, sent at once. */
  order?: { rng: Rng; mixWindowMs: number };
  /** Dialplan hints: `{ 'exten@context': 'Tech/dev&Custom:name' }`. */
  hints?: Readonly<Record<string, string>>;
  /** Custom device and presence states Asterisk restores from astdb at start. */
  astdb?: AstDb;
  /** Phones registered at start (`PJSIP/2001`): cached NOT_INUSE, so DeviceStateList lists them. */
  endpoints?: readonly string[];
}

export interface NewChannelInit {
  name: string;
  context: string;
  exten: string;
  state: number;
  device: string;
  linkedid?: string;
  /** Originate ChannelId/OtherChannelId (13+): the caller picks the Uniqueid. */
  uniqueid?: string;
  origin?: Origin;
}

/**
 * The call model: live channels, their timers and the hangup sequences. Every event goes out
 * through the profile's table; ended channels are dropped at once, so memory follows live calls.
 * Emits 'event' (BuiltEvent), 'call-ended' (CallEndedInfo), 'device-state' (DeviceStateInfo) and
 * 'presence-state' (PresenceInfo).
 */
export class Pbx extends EventEmitter {
  private readonly live = new Map<string, SimChannel>();
  private seq = 0;
  private localSeq = 0;
  /** Lane of the last channel event: events without a channel (bridges, devices) follow it. */
  private lastLane = '';
  private readonly mixer: EventMixer | undefined;
  callsProcessed = 0;
  readonly conferences: Conferences;
  readonly devices: Devices;

  constructor(
    readonly profile: ProfileSpec,
    readonly opts: PbxOptions,
  ) {
    super();
    this.conferences = new Conferences(this);
    this.devices = new Devices(this, opts.hints ?? {}, opts.astdb, opts.endpoints);
    const order = opts.order;
    if (order) this.mixer = new EventMixer(order.rng, order.mixWindowMs, (ev) => this.emit('event', ev));
  }

  /** Whether any session takes an event class; set by the server so unwanted events are never built. */
  wants: (cls: string) => boolean = () => true;

  emitEvent(kind: EventKind, data: EventData): void {
    const cls = this.profile.events[kind]?.cls;
    if (cls === undefined || !this.wants(cls)) return;
    const ev: BuiltEvent | null = buildEvent(this.profile.events, kind, data, { channelVars: this.opts.channelVars });
    if (!ev) return;
    // Asterisk writes OriginateResponse at once, while channel events wait in stasis.
    this.deliver(this.laneOf(data), ev, undefined, kind === 'OriginateResponse');
  }

  /** Out now (canonical order), or through the mixer in the call's lane. */
  private deliver(lane: string, ev: BuiltEvent | undefined, then?: () => void, early = false): void {
    if (this.mixer) {
      this.mixer.push(lane, { ...(ev ? { ev } : {}), ...(then ? { then } : {}) }, early);
      return;
    }
    if (ev) this.emit('event', ev);
    then?.();
  }

  /**
   * One lane per call: every channel of a call shares its Linkedid. A failed OriginateResponse
   * names no channel: it is raised right after its call's own events, so it takes their lane.
   */
  private laneOf(d: EventData): string {
    const ch = d.chan ?? d.caller ?? d.other ?? d.originate?.chan;
    if (ch) this.lastLane = ch.linkedid;
    return this.lastLane;
  }

  /** Threads of one call racing (see interleave): drawn from the Rng, or the profile's canonical pattern. */
  race(threads: readonly (readonly Step[])[], canonical: readonly number[]): void {
    interleave(threads, canonical, this.opts.order?.rng);
  }

  nextUniqueid(): string {
    return `${Math.floor(Date.now() / 1000)}.${this.seq++}`;
  }

  /** The hex id of a Local pair (`-0000000a`), also used for other internal names. */
  nextLocalId(): string {
    const digits = this.profile.localSuffixDigits;
    return (this.localSeq++ % 16 ** digits).toString(16).padStart(digits, '0');
  }

  newChannel(init: NewChannelInit): SimChannel {
    const uniqueid = init.uniqueid ?? this.nextUniqueid();
    const ch: SimChannel = {
      name: init.name,
      uniqueid,
      linkedid: init.linkedid ?? uniqueid,
      state: init.state,
      callerNum: '',
      callerName: '',
      connectedNum: '',
      connectedName: '',
      accountCode: '',
      language: 'en',
      context: init.context,
      exten: init.exten,
      priority: 1,
      app: '',
      appData: '',
      vars: new Map(),
      createdAt: Date.now(),
      device: init.device,
      bridgeId: '',
      alive: true,
      runToken: 0,
      timers: new Set(),
      ...(init.origin ? { origin: init.origin } : {}),
    };
    if (init.origin) init.origin.liveChannels++;
    this.live.set(ch.name.toLowerCase(), ch);
    this.callsProcessed++;
    this.devices.attach(ch);
    return ch;
  }

  /** Channel lookup is case-insensitive, as ast_channel_get_by_name. */
  find(name: string): SimChannel | undefined {
    return this.live.get(name.toLowerCase());
  }

  list(): SimChannel[] {
    return [...this.live.values()];
  }

  info(ch: SimChannel): ChannelInfo {
    return {
      name: ch.name,
      uniqueid: ch.uniqueid,
      linkedid: ch.linkedid,
      state: stateDesc(ch.state),
      context: ch.context,
      exten: ch.exten,
      priority: ch.priority,
      application: ch.app,
      appData: ch.appData,
      callerIdNum: ch.callerNum,
      callerIdName: ch.callerName,
      bridgeId: ch.bridgeId,
      ...(ch.conference ? { conference: { ...ch.conference } } : {}),
      variables: Object.fromEntries(ch.vars),
    };
  }

  setVar(ch: SimChannel, name: string, value: string, snapshot: SimChannel = ch): void {
    ch.vars.set(name, value);
    this.emitEvent('VarSet', { chan: snapshot, variable: name, value });
  }

  /** A dialplan delay: scaled by timeScale, dropped when the channel goes away. */
  schedule(ch: SimChannel, seconds: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        ch.timers.delete(t);
        if (ch.alive) fn();
      },
      Math.max(0, seconds * 1000 * this.opts.timeScale),
    );
    ch.timers.add(t);
    return t;
  }

  cancel(ch: SimChannel, t: NodeJS.Timeout): void {
    clearTimeout(t);
    ch.timers.delete(t);
  }

  setState(ch: SimChannel, state: number): void {
    if (ch.state === state) return;
    ch.state = state;
    this.emitEvent('Newstate', { chan: ch });
    this.devices.channelState(ch);
  }

  answer(ch: SimChannel): void {
    if (ch.state === STATE.Up) return;
    this.setState(ch, STATE.Up);
    const pending = ch.pending;
    ch.pending = undefined;
    pending?.answered();
  }

  /**
   * A Local channel's device state, placed by hand where the captures show it (Local devices are
   * not cached, so every report is an event). Other devices follow their channels (devices.ts).
   */
  deviceState(ch: SimChannel, state: 'INUSE' | 'NOT_INUSE'): void {
    if (isLocalDevice(ch.device)) this.devices.publish(ch.device, state, ch);
  }

  /**
   * Hang up a channel and its Local peer. The named side's thread requests the peer's hangup and
   * hangs up; the peer's thread sees the request and hangs up too, the two Hangups in either order
   * (originate-answered-burst: `;2` first 16 times, `;1` first 4). Canonical (hangup-cause16,
   * redirect, originate-local): the named side's soft request, the peer's request, the named
   * side's Hangup, then the peer's.
   */
  hangup(ch: SimChannel, cause: number, fromDialplan = false): void {
    if (!ch.alive) return;
    const peer = ch.peer?.alive ? ch.peer : undefined;
    let partnersNext: Array<(() => void) | undefined> = [];
    const request = step(() => {
      this.emitEvent('SoftHangupRequest', { chan: ch, cause: 16 });
      if (peer) this.emitEvent('HangupRequest', { chan: peer, cause });
      this.conferences.leave(ch, 'HANGUP');
      if (peer) this.conferences.leave(peer, 'HANGUP');
      partnersNext = [unbridge(this, ch), peer && unbridge(this, peer)];
    });
    const own = [
      request,
      step(() => {
        this.emitEvent('Hangup', { chan: ch, cause });
        this.destroy(ch, cause);
        // A dialplan Hangup releases its device before the peer goes (originate-local); AMI's after both.
        if (fromDialplan) this.deviceState(ch, 'NOT_INUSE');
      }),
    ];
    const peers = peer
      ? [
          step(() => {
            this.emitEvent('SoftHangupRequest', { chan: peer, cause: 16 });
            this.emitEvent('Hangup', { chan: peer, cause });
            this.destroy(peer, cause);
          }, request),
        ]
      : [];
    this.race([own, peers], this.profile.canonical.hangup);
    if (!fromDialplan) this.deviceState(ch, 'NOT_INUSE');
    if (peer) this.deviceState(peer, 'NOT_INUSE');
    for (const next of partnersNext) next?.();
  }

  /** Rename (pre-12 masquerades): the name moves, the Uniqueid stays with the channel object. */
  rename(ch: SimChannel, newName: string): void {
    const old = ch.name;
    if (this.live.get(old.toLowerCase()) === ch) this.live.delete(old.toLowerCase());
    ch.name = newName;
    this.live.set(newName.toLowerCase(), ch);
    this.emitEvent('Rename', { chan: ch, clone: old, newName });
  }

  /** Forget a channel (its events were already sent): timers, pending Originate, the map. */
  destroy(ch: SimChannel, cause: number): void {
    if (!ch.alive) return;
    ch.alive = false;
    ch.runToken++;
    for (const t of ch.timers) clearTimeout(t);
    ch.timers.clear();
    if (this.live.get(ch.name.toLowerCase()) === ch) this.live.delete(ch.name.toLowerCase());
    this.devices.detach(ch);
    this.conferences.leave(ch, 'HANGUP');
    const pending = ch.pending;
    ch.pending = undefined;
    pending?.hungUp();
    if (ch.origin) {
      const { record } = ch.origin;
      ch.origin.liveChannels--;
      if (!record.cause) Object.assign(record, { cause, causeText: causeText(cause) });
      settle(ch.origin);
    }
    const info: CallEndedInfo = { channel: ch.name, uniqueid: ch.uniqueid, linkedid: ch.linkedid, cause };
    this.deliver(ch.linkedid, undefined, () => this.emit('call-ended', info));
  }

  /** Drop everything without events (server close). */
  clear(): void {
    this.mixer?.clear();
    for (const ch of this.live.values()) {
      ch.alive = false;
      for (const t of ch.timers) clearTimeout(t);
      ch.timers.clear();
    }
    this.live.clear();
    this.conferences.clear();
    this.devices.clear();
  }
}

/** An Originate's record is ended once its outcome is known and its last channel is gone. */
export function settle(origin: Origin): void {
  origin.record.ended = origin.record.response !== undefined && origin.liveChannels === 0;
}

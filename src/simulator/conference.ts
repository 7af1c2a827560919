import { randomUUID } from 'node:crypto';
import type { BridgeInfo } from './events.js';
import type { Pbx } from './pbx.js';
import type { ConferenceRef, SimChannel } from './types.js';

export interface ConfMember {
  chan: SimChannel;
  joinedAt: number;
  userNum: number;
  admin: boolean;
  muted: boolean;
  /** The conference application returned (kicked): the dialplan goes on. */
  onKick: () => void;
}

export interface Room {
  kind: ConferenceRef['kind'];
  name: string;
  bridgeId: string;
  createdAt: number;
  members: ConfMember[];
  nextUser: number;
  /** ConfBridge's announcer channel, a bridge member Asterisk 12+ never lists (CBAnn/<room>-N;2). */
  announcer: string;
}

/**
 * ConfBridge and MeetMe rooms. A room exists while it has members; its events follow the
 * confbridge-events capture (the announcer channel counts in BridgeNumChannels).
 */
export class Conferences {
  private readonly rooms = { confbridge: new Map<string, Room>(), meetme: new Map<string, Room>() };

  constructor(private readonly pbx: Pbx) {}

  list(kind: ConferenceRef['kind']): Room[] {
    return [...this.rooms[kind].values()];
  }

  get(kind: ConferenceRef['kind'], name: string): Room | undefined {
    return this.rooms[kind].get(name);
  }

  joinConfbridge(ch: SimChannel, name: string, onKick: () => void): void {
    const pbx = this.pbx;
    let room = this.rooms.confbridge.get(name);
    if (!room) {
      room = this.create('confbridge', name);
      pbx.emitEvent('BridgeCreate', { bridge: this.bridge(room, 0) });
      pbx.devices.publish(`confbridge:${name}`, 'INUSE');
      pbx.emitEvent('ConfbridgeStart', { conference: name, bridge: this.bridge(room, 1) });
    }
    this.add(room, ch, onKick);
    const bridge = this.bridge(room, room.members.length + 1);
    pbx.emitEvent('BridgeEnter', { chan: ch, bridge });
    this.bridgePeers(room);
    pbx.emitEvent('ConfbridgeJoin', { conference: name, chan: ch, bridge });
  }

  joinMeetme(ch: SimChannel, name: string, onKick: () => void): void {
    const room = this.rooms.meetme.get(name) ?? this.create('meetme', name);
    const member = this.add(room, ch, onKick);
    this.pbx.emitEvent('MeetmeJoin', { conference: name, chan: ch, user: member.userNum });
  }

  /** Take a channel out of its conference, if it is in one. KICKED lets its dialplan go on. */
  leave(ch: SimChannel, reason: 'KICKED' | 'HANGUP' | 'REDIRECT'): void {
    const ref = ch.conference;
    if (!ref) return;
    const room = this.rooms[ref.kind].get(ref.room);
    ch.conference = undefined;
    ch.bridgeId = '';
    const idx = room ? room.members.findIndex((m) => m.chan === ch) : -1;
    if (!room || idx === -1) return;
    const [member] = room.members.splice(idx, 1);
    if (room.kind === 'confbridge') this.leaveConfbridge(room, ch, reason);
    else this.leaveMeetme(room, member!);
    if (reason === 'KICKED') member!.onKick();
  }

  /** Kick members: `all`, a channel name (ConfBridge) or a user number (MeetMe). Returns how many. */
  kick(kind: ConferenceRef['kind'], name: string, who: string): number {
    const room = this.rooms[kind].get(name);
    if (!room) return 0;
    const lower = who.toLowerCase();
    const targets = room.members.filter(
      (m) => lower === 'all' || (lower === 'participants' && !m.admin) || m.chan.name.toLowerCase() === lower || String(m.userNum) === who,
    );
    for (const m of targets) this.leave(m.chan, 'KICKED');
    return targets.length;
  }

  clear(): void {
    this.rooms.confbridge.clear();
    this.rooms.meetme.clear();
  }

  private create(kind: Room['kind'], name: string): Room {
    const room: Room = {
      kind,
      name,
      bridgeId: randomUUID(),
      createdAt: Date.now(),
      members: [],
      nextUser: 1,
      announcer: kind === 'confbridge' ? `CBAnn/${name}-${this.pbx.nextLocalId()};2` : '',
    };
    this.rooms[kind].set(name, room);
    return room;
  }

  private add(room: Room, ch: SimChannel, onKick: () => void): ConfMember {
    const member: ConfMember = { chan: ch, joinedAt: Date.now(), userNum: room.nextUser++, admin: false, muted: false, onKick };
    room.members.push(member);
    ch.conference = { kind: room.kind, room: room.name };
    if (room.kind === 'confbridge') ch.bridgeId = room.bridgeId;
    return member;
  }

  private bridge(room: Room, numChannels: number): BridgeInfo {
    return { id: room.bridgeId, name: room.name, numChannels, type: 'base', technology: 'softmix', creator: 'ConfBridge' };
  }

  /** BRIDGEPEER on each member: the announcer and the other members. */
  private bridgePeers(room: Room): void {
    for (const m of room.members) {
      const others = room.members.filter((o) => o !== m).map((o) => o.chan.name);
      this.pbx.setVar(m.chan, 'BRIDGEPEER', [room.announcer, ...others].join(','));
    }
  }

  private leaveConfbridge(room: Room, ch: SimChannel, reason: string): void {
    const pbx = this.pbx;
    const before = room.members.length + 2;
    pbx.setVar(ch, 'BRIDGEPEER', '');
    pbx.emitEvent('ConfbridgeLeave', { conference: room.name, chan: ch, bridge: this.bridge(room, before) });
    pbx.emitEvent('BridgeLeave', { chan: ch, bridge: this.bridge(room, before - 1) });
    this.bridgePeers(room);
    if (reason !== 'REDIRECT') pbx.setVar(ch, 'CONFBRIDGE_RESULT', reason);
    if (room.members.length > 0) return;
    this.rooms.confbridge.delete(room.name);
    pbx.devices.publish(`confbridge:${room.name}`, 'NOT_INUSE');
    pbx.emitEvent('ConfbridgeEnd', { conference: room.name, bridge: this.bridge(room, 1) });
    pbx.emitEvent('BridgeDestroy', { bridge: this.bridge(room, 0) });
  }

  private leaveMeetme(room: Room, member: ConfMember): void {
    const duration = Math.floor((Date.now() - member.joinedAt) / 1000);
    this.pbx.emitEvent('MeetmeLeave', { conference: room.name, chan: member.chan, user: member.userNum, duration });
    if (room.members.length > 0) return;
    this.rooms.meetme.delete(room.name);
    this.pbx.emitEvent('MeetmeEnd', { conference: room.name });
  }
}

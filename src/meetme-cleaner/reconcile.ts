import { isoNow } from '../shared/time.js';
import type { ConferenceKind, ListedMember, ListedRoom, RoomState, StoredMember } from './types.js';

/** A member's identity in a room: the channel, plus the user number for MeetMe (it changes on rejoin). */
export function memberKey(kind: ConferenceKind, m: { channel: string; user?: string | undefined }): string {
  return kind === 'meetme' ? `${m.user ?? ''}|${m.channel}` : m.channel;
}

function newMember(m: ListedMember, now: number): StoredMember {
  const first = isoNow(now);
  const joined = m.seconds !== undefined ? isoNow(now - m.seconds * 1000) : first;
  return { channel: m.channel, ...(m.user !== undefined ? { user: m.user } : {}), joined_at: joined, first_seen: first };
}

/**
 * Merge what the PBX lists now into what the database remembered, keeping each member's join
 * time and kick mark, and the moment the room became a room of one: the grace clock runs from
 * there and survives restarts because it lives in the database. A different lone member (one
 * left, another joined between two ticks) restarts the clock.
 */
export function mergeRoom(kind: ConferenceKind, prev: RoomState | undefined, listed: ListedRoom, now: number): RoomState {
  const before = new Map((prev?.members ?? []).map((m) => [memberKey(kind, m), m]));
  const members = listed.members.map((m) => before.get(memberKey(kind, m)) ?? newMember(m, now));
  let alone_since: string | null = null;
  if (members.length === 1) {
    const sameLoner =
      prev !== undefined && prev.alone_since !== null && prev.members.length === 1 && memberKey(kind, prev.members[0]!) === memberKey(kind, members[0]!);
    alone_since = sameLoner ? prev.alone_since : isoNow(now);
  }
  return { kind, room: listed.room, members, alone_since };
}

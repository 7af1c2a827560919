import type { AmiPort } from '../shared/ami/ami-port.js';

export type ConferenceKind = 'confbridge' | 'meetme';
export const CONFERENCE_KINDS: readonly ConferenceKind[] = ['confbridge', 'meetme'];

/** Which rule fired; it becomes the kick row's tag `meetme-cleaner:<reason>`. */
export type KickReason = 'alone' | 'max-duration';

/** One member as the PBX lists it right now. */
export interface ListedMember {
  channel: string;
  /** MeetMe user number (the kick target); undefined for ConfBridge. */
  user?: string;
  /** Seconds in the room as the PBX reports it (ConfBridge AnsweredTime, MeetMe concise duration). */
  seconds?: number;
}

export interface ListedRoom {
  room: string;
  members: ListedMember[];
}

/** A kind's listing: absent means the PBX has no such conference application (or no way to list it). */
export type KindListing = { kind: ConferenceKind; present: true; rooms: ListedRoom[] } | { kind: ConferenceKind; present: false };

/** A member as kept in conferences.members (JSON). Times are UTC text. */
export interface StoredMember {
  channel: string;
  user?: string;
  /** When the member joined: from the PBX's own figure when it gives one, else first_seen. */
  joined_at: string;
  first_seen: string;
  /** Set once a kick was decided: never decided twice. dry_run marks a kick that was only logged. */
  kicked?: { reason: KickReason; at: string; queue_id?: number; dry_run?: boolean };
}

/** A room's state after a listing was merged into it. */
export interface RoomState {
  kind: ConferenceKind;
  room: string;
  members: StoredMember[];
  alone_since: string | null;
}

export interface CleanerSettings {
  alone_grace_seconds: number;
  /** 0 = no limit. */
  max_member_seconds: number;
  exempt_rooms: readonly string[];
  /** Channel name prefixes, `*` and `?` allowed; a matching member is never kicked. */
  exempt_channels: readonly string[];
}

/** The part of the AMI port the cleaner lists with. */
export type ListingAmi = Pick<AmiPort, 'sendList' | 'command'>;

import type { KickReason, RoomState, StoredMember } from './types.js';
import type { ConferenceRow } from '../shared/db/conferences/load-open-rooms.js';
import type { RoomColumns } from '../shared/db/conferences/room-columns.js';

/** The columns a room's state is stored in. */
export function roomColumns(state: RoomState): RoomColumns {
  return { members: JSON.stringify(state.members), member_count: state.members.length, alone_since: state.alone_since };
}

const REASONS: readonly KickReason[] = ['alone', 'max-duration'];

/** One stored member, checked: a hand-edited or foreign row must not crash the cleaner. */
function readMember(v: unknown): StoredMember | null {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o.channel !== 'string' || typeof o.joined_at !== 'string' || typeof o.first_seen !== 'string') return null;
  const m: StoredMember = { channel: o.channel, joined_at: o.joined_at, first_seen: o.first_seen };
  if (typeof o.user === 'string') m.user = o.user;
  const k = o.kicked as Record<string, unknown> | undefined;
  if (k && typeof k === 'object' && REASONS.includes(k.reason as KickReason) && typeof k.at === 'string') {
    m.kicked = { reason: k.reason as KickReason, at: k.at };
    if (typeof k.queue_id === 'number') m.kicked.queue_id = k.queue_id;
    if (k.dry_run === true) m.kicked.dry_run = true;
  }
  return m;
}

/** A stored row back to the state mergeRoom works on; unreadable members are dropped. */
export function rowToState(row: ConferenceRow): RoomState {
  let parsed: unknown = [];
  try {
    parsed = JSON.parse(row.members);
  } catch {
    parsed = [];
  }
  const members = Array.isArray(parsed) ? parsed.map(readMember).filter((m): m is StoredMember => m !== null) : [];
  return { kind: row.kind === 'meetme' ? 'meetme' : 'confbridge', room: row.room, members, alone_since: row.alone_since };
}

import type { CleanerSettings, KickReason, RoomState, StoredMember } from './types.js';

export interface KickDecision {
  member: StoredMember;
  reason: KickReason;
}

/**
 * An exempt_channels pattern as a RegExp: a prefix of the channel name (`SIP/operator` covers
 * `SIP/operator-00000001`), where `*` is any run and `?` one character; case-insensitive, as
 * Asterisk compares channel names.
 */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}`, 'i');
}

export function isExemptChannel(channel: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(channel));
}

/** A member may be kicked unless a real kick was already decided; a dry-run mark does not count once dry-run is off. */
function alreadyDecided(m: StoredMember, dryRun: boolean): boolean {
  return m.kicked !== undefined && (dryRun || m.kicked.dry_run !== true);
}

/**
 * Which members to kick now and why (the first rule that fires, `alone` before `max-duration`).
 * Exempt rooms and channels are never touched.
 */
export function decideKicks(state: RoomState, settings: CleanerSettings, now: number, dryRun = false): KickDecision[] {
  if (settings.exempt_rooms.includes(state.room)) return [];
  const alone = state.members.length === 1 && state.alone_since !== null && now - Date.parse(state.alone_since) > settings.alone_grace_seconds * 1000;
  const maxMs = settings.max_member_seconds * 1000;
  const out: KickDecision[] = [];
  for (const member of state.members) {
    if (alreadyDecided(member, dryRun)) continue;
    if (isExemptChannel(member.channel, settings.exempt_channels)) continue;
    if (alone) out.push({ member, reason: 'alone' });
    else if (maxMs > 0 && now - Date.parse(member.joined_at) > maxMs) out.push({ member, reason: 'max-duration' });
  }
  return out;
}

import { commandAllowed } from '../shared/row-rules/index.js';
import type { EnqueueInput } from '../shared/queue/enqueue.js';
import type { ConferenceKind, KickReason, StoredMember } from './types.js';

/** The tag of a kick row: says why, for the audit; never a privilege (the sender ignores tags). */
export const kickTag = (reason: KickReason): string => `meetme-cleaner:${reason}`;

/**
 * The manager_queue row that kicks one member, judged by the sender like any client row:
 * ConfbridgeKick (Conference + Channel); for MeetMe, which has no kick action in any version,
 * `Command: meetme kick <room> <user>` where action_sender.allowed_commands lets that command
 * through, else a Hangup of the member's channel.
 */
export function kickRow(
  server: string,
  kind: ConferenceKind,
  room: string,
  member: StoredMember,
  reason: KickReason,
  allowedCommands: readonly string[],
): EnqueueInput {
  const tag = kickTag(reason);
  if (kind === 'confbridge') {
    return { server, action: 'ConfbridgeKick', channel: member.channel, params: { Conference: room }, tag };
  }
  const command = `meetme kick ${room} ${member.user ?? ''}`;
  if (member.user !== undefined && member.user !== '' && commandAllowed(command, allowedCommands)) {
    return { server, action: 'Command', channel: null, params: { Command: command }, tag };
  }
  return { server, action: 'Hangup', channel: member.channel, params: {}, tag };
}

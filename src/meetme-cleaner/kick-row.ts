import type { EnqueueInput } from '../shared/queue/enqueue.js';
import type { ConferenceKind, KickReason, StoredMember } from './types.js';

/** The tag of a kick row; the sender lets exactly these rows send `meetme kick` with Command off. */
export const kickTag = (reason: KickReason): string => `meetme-cleaner:${reason}`;

/**
 * The manager_queue row that kicks one member: ConfbridgeKick (Conference + Channel), or, since
 * no MeetmeKick action exists in any version, `Command: meetme kick <room> <user>`.
 */
export function kickRow(server: string, kind: ConferenceKind, room: string, member: StoredMember, reason: KickReason): EnqueueInput {
  const tag = kickTag(reason);
  if (kind === 'confbridge') {
    return { server, action: 'ConfbridgeKick', channel: member.channel, params: { Conference: room }, tag };
  }
  return { server, action: 'Command', channel: null, params: { Command: `meetme kick ${room} ${member.user ?? ''}` }, tag };
}

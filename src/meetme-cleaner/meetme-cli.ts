import { parseSeconds } from './list-response.js';
import type { ListedMember } from './types.js';

/** CLI answers that mean "no MeetMe here" (app_meetme not loaded) or "wrong syntax for this version". */
export const NO_SUCH_COMMAND = /No such command/i;
export const USAGE = /^\s*Usage:/im;

/**
 * Room numbers from `meetme list` / `meetme` (table: `5000  0002  N/A  00:00:12  Static`) or their
 * concise form (`confno!parties!marked!HH:MM:SS!isdynamic!locked`). Headers, totals and
 * `No active MeetMe conferences.` match neither and are skipped.
 */
export function parseMeetmeRooms(lines: readonly string[]): string[] {
  const rooms: string[] = [];
  for (const line of lines) {
    if (line.includes('!')) {
      const f = line.split('!');
      if (f.length >= 4 && f[0] !== '' && parseSeconds(f[3]) !== undefined && /^\d+$/.test(f[1] ?? '')) rooms.push(f[0]!.trim());
      continue;
    }
    const m = /^\s*(\S+)\s+(\d+)\s+\S+\s+\d+:\d\d:\d\d\b/.exec(line);
    if (m) rooms.push(m[1]!);
  }
  return [...new Set(rooms)];
}

/**
 * Members from `meetme list <room> concise` (REFERENCE §4.4):
 * 1.4 `usernum!cidnum!cidname!channel!admin!listenonly!muted!talking!HH:MM:SS` (9 fields),
 * 1.6+ the same with `requesttotalk` before talking (10). The caller id name may itself hold `!`,
 * so the channel is found from the right: the candidate that looks like `Tech/...`.
 */
export function parseMeetmeMembers(lines: readonly string[]): ListedMember[] {
  const members: ListedMember[] = [];
  for (const line of lines) {
    const f = line.split('!');
    const n = f.length;
    if (n < 9) continue;
    const user = f[0]!.trim();
    const seconds = parseSeconds(f[n - 1]);
    if (!/^\d+$/.test(user) || seconds === undefined) continue;
    const candidates = n >= 10 ? [f[n - 7]!, f[n - 6]!] : [f[n - 6]!];
    const channel = candidates.find((c) => c.includes('/')) ?? candidates[0]!;
    if (channel === '') continue;
    members.push({ channel, user, seconds });
  }
  return members;
}

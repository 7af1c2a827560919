import type { Pbx } from '../pbx.js';
import { hms } from '../wire.js';
import { col } from './channels.js';

const zero4 = (n: number) => String(n).padStart(4, '0');

/**
 * `meetme list [<confno> [concise]]` (app_meetme meetme_show_cmd, 1.6+ formats; 1.4 concise
 * lacks the request-to-talk field).
 */
export function meetmeList(pbx: Pbx, args: string[], legacy14: boolean): string {
  const rooms = pbx.conferences.list('meetme');
  const confno = args[0];
  const concise = args.some((a) => a.toLowerCase() === 'concise');
  if (!confno || confno.toLowerCase() === 'concise') {
    if (rooms.length === 0) return concise ? '' : 'No active MeetMe conferences.\n';
    if (concise) return rooms.map((r) => `${r.name}!${r.members.length}!0!${hms(Date.now() - r.createdAt)}!1!0\n`).join('');
    // 1.4 has no Locked column.
    const locked = (v: string) => (legacy14 ? '' : `  ${col(v, 6)}`);
    let out = `${col('Conf Num', 14)} ${col('Parties', 14)} ${col('Marked', 10)} ${col('Activity', 8)}  ${col('Creation', 8)}${locked('Locked')}\n`;
    let total = 0;
    for (const r of rooms) {
      total += r.members.length;
      out += `${col(r.name, 12)}   ${zero4(r.members.length)}\t      N/A        ${hms(Date.now() - r.createdAt)}  ${col('Dynamic', 8)}${locked('No')}\n`;
    }
    return `${out}* Total number of MeetMe users: ${total}\n`;
  }
  const room = pbx.conferences.get('meetme', confno);
  if (!room) return concise ? '' : `No such conference: ${confno}.\n`;
  let out = '';
  for (const m of room.members) {
    const num = m.chan.callerNum || '<unknown>';
    const name = m.chan.callerName || '<no name>';
    const dur = hms(Date.now() - m.joinedAt);
    if (concise) {
      const flags = legacy14 ? ['', '', ''] : ['', '', '', ''];
      out += [m.userNum, num, name, m.chan.name, ...flags, '-1', dur].join('!') + '\n';
    } else {
      out += `User #: ${String(m.userNum).padStart(2, '0')} ${num.slice(0, 12).padStart(12)} ${col(name, 20)} Channel: ${m.chan.name}      ${dur}\n`;
    }
  }
  if (!concise) out += `${room.members.length} users in that conference.\n`;
  return out;
}

/** `meetme kick <confno> <usernum|all>`: silent, whatever happened (it queues an admin command). */
export function meetmeKick(pbx: Pbx, confno: string, who: string): string {
  pbx.conferences.kick('meetme', confno, who);
  return '';
}

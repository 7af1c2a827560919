import type { AmiHeader } from '../../shared/ami/message.js';
import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './action-table.js';
import type { ConfMember } from '../conference.js';
import { snapshot } from '../events-22.js';
import { hms } from '../wire.js';

/** ConfBridge and MeetMe list/kick actions (REFERENCE §4.4, §4.5; capture confbridge-actions). */
export const CONFERENCE_ACTIONS: ActionTable = {
  ConfbridgeListRooms: { handler: confbridgeListRooms, available: (p) => p.hasConfbridge },
  ConfbridgeList: { handler: confbridgeList, available: (p) => p.hasConfbridge },
  ConfbridgeKick: { handler: confbridgeKick, write: true, available: (p) => p.hasConfbridge },
  MeetmeList: { handler: meetmeList, available: (p) => p.name !== 'asterisk-1.4' },
  MeetmeListRooms: { handler: meetmeListRooms, available: (p) => p.hasMeetmeListRooms },
};

const NO_NAME = 'No Conference name provided.';
const NOT_FOUND = 'No Conference by that name found.';
const NONE = 'No active conferences.';

function confbridgeListRooms(ctx: ActionContext): void {
  const rooms = ctx.core.pbx.conferences.list('confbridge');
  if (rooms.length === 0) return ctx.error(NONE);
  ctx.listStart('Confbridge conferences will follow');
  for (const r of rooms) {
    const fields: AmiHeader[] = [
      ['Conference', r.name],
      ['Parties', String(r.members.length)],
      ['Marked', '0'],
      ['Locked', 'No'],
    ];
    if (ctx.core.spec.modern) fields.push(['Muted', 'No']);
    ctx.listItem('ConfbridgeListRooms', fields);
  }
  ctx.listComplete('ConfbridgeListRoomsComplete', rooms.length);
}

function confbridgeList(ctx: ActionContext): void {
  const name = ctx.get('Conference') ?? '';
  if (!name) return ctx.error(NO_NAME);
  const conferences = ctx.core.pbx.conferences;
  if (conferences.list('confbridge').length === 0) return ctx.error(NONE);
  const room = conferences.get('confbridge', name);
  if (!room) return ctx.error(NOT_FOUND);
  ctx.listStart('Confbridge user list will follow');
  for (const m of room.members) ctx.listItem('ConfbridgeList', confbridgeItem(ctx, name, m));
  ctx.listComplete('ConfbridgeListComplete', room.members.length);
}

function confbridgeItem(ctx: ActionContext, conference: string, m: ConfMember): AmiHeader[] {
  const yn = (b: boolean) => (b ? 'Yes' : 'No');
  if (!ctx.core.spec.modern) {
    return [
      ['Conference', conference],
      ['CallerIDNum', m.chan.callerNum],
      ['CallerIDName', m.chan.callerName],
      ['Channel', m.chan.name],
      ['Admin', yn(m.admin)],
      ['MarkedUser', 'No'],
      ['Muted', yn(m.muted)],
    ];
  }
  return [
    ['Conference', conference],
    ['Admin', yn(m.admin)],
    ['MarkedUser', 'No'],
    ['WaitMarked', 'No'],
    ['EndMarked', 'No'],
    ['EndMarkedAny', 'No'],
    ['Waiting', 'No'],
    ['Muted', yn(m.muted)],
    ['Talking', 'No'],
    ['AnsweredTime', String(Math.floor((Date.now() - m.joinedAt) / 1000))],
    ...snapshot(m.chan, '', ctx.core.pbx.opts.channelVars),
  ];
}

function confbridgeKick(ctx: ActionContext): void {
  const name = ctx.get('Conference') ?? '';
  if (!name) return ctx.error(NO_NAME);
  const channel = ctx.get('Channel') ?? '';
  if (!channel) return ctx.error('No channel name provided.');
  const conferences = ctx.core.pbx.conferences;
  if (!conferences.get('confbridge', name)) return ctx.error(NOT_FOUND);
  const everyone = ['all', 'participants'].includes(channel.toLowerCase());
  // Answer first: the kicked channel's events follow the response, as in the captures.
  const room = conferences.get('confbridge', name)!;
  const found = everyone || room.members.some((m) => m.chan.name.toLowerCase() === channel.toLowerCase());
  if (!found) return ctx.error('No Channel by that name found in Conference.');
  ctx.success(everyone ? 'All participants kicked' : 'User kicked');
  conferences.kick('confbridge', name, channel);
}

function meetmeList(ctx: ActionContext): void {
  const conferences = ctx.core.pbx.conferences;
  const rooms = conferences.list('meetme');
  if (rooms.length === 0) return ctx.error(NONE);
  const only = ctx.get('Conference');
  ctx.listStart('Meetme user list will follow');
  let n = 0;
  for (const r of rooms) {
    if (only && r.name !== only) continue;
    for (const m of r.members) {
      n++;
      ctx.listItem('MeetmeList', [
        ['Conference', r.name],
        ['UserNumber', String(m.userNum)],
        ['CallerIDNum', m.chan.callerNum || '<unknown>'],
        ['CallerIDName', m.chan.callerName || '<no name>'],
        ['ConnectedLineNum', m.chan.connectedNum || '<unknown>'],
        ['ConnectedLineName', m.chan.connectedName || '<no name>'],
        ['Channel', m.chan.name],
        ['Admin', m.admin ? 'Yes' : 'No'],
        ['Role', 'Talk and listen'],
        ['MarkedUser', 'No'],
        ['Muted', m.muted ? 'By admin' : 'No'],
        ['Talking', 'Not monitored'],
      ]);
    }
  }
  ctx.listComplete('MeetmeListComplete', n);
}

function meetmeListRooms(ctx: ActionContext): void {
  const rooms = ctx.core.pbx.conferences.list('meetme');
  if (rooms.length === 0) return ctx.error(NONE);
  ctx.listStart('Meetme conferences will follow');
  for (const r of rooms) {
    ctx.listItem('MeetmeListRooms', [
      ['Conference', r.name],
      ['Parties', String(r.members.length)],
      ['Marked', 'N/A'],
      ['Activity', hms(Date.now() - r.createdAt)],
      ['Creation', 'Dynamic'],
      ['Locked', 'No'],
    ]);
  }
  ctx.listComplete('MeetmeListRoomsComplete', rooms.length);
}

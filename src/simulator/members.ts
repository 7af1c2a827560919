import type { Pbx } from './pbx.js';
import type { SimChannel } from './types.js';
import { STATE } from './wire.js';

export interface AddMemberOptions {
  kind: 'confbridge' | 'meetme';
  room: string;
  /** Channel name; default `PJSIP/member-<n>` (`SIP/...` under legacy profiles). */
  channel?: string;
  callerIdNum?: string;
  callerIdName?: string;
}

/**
 * Put a new, answered channel straight into a conference, without an Originate (for the
 * meetme-cleaner's tests). Kicked, it hangs up (cause 16), as exten 200/201 would.
 */
export function addConferenceMember(pbx: Pbx, opts: AddMemberOptions): SimChannel {
  const name = opts.channel ?? `${pbx.profile.phoneTech}/member-${pbx.nextLocalId()}`;
  if (pbx.find(name)) throw new Error(`channel ${name} already exists`);
  const confbridge = opts.kind === 'confbridge';
  const ch = pbx.newChannel({
    name,
    context: 'default',
    exten: confbridge ? '200' : '201',
    state: STATE.Up,
    device: name.replace(/-[^-/]*$/, ''),
  });
  ch.callerNum = opts.callerIdNum ?? '';
  ch.callerName = opts.callerIdName ?? '';
  ch.priority = 2;
  ch.app = confbridge ? 'ConfBridge' : 'MeetMe';
  ch.appData = opts.room;
  pbx.emitEvent('Newchannel', { chan: ch });
  pbx.emitEvent('Newexten', { chan: ch });
  const kicked = () => pbx.hangup(ch, 16);
  if (confbridge) pbx.conferences.joinConfbridge(ch, opts.room, kicked);
  else pbx.conferences.joinMeetme(ch, opts.room, kicked);
  return ch;
}

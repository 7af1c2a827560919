import { randomUUID } from 'node:crypto';
import type { BridgeInfo } from './events.js';
import type { Pbx } from './pbx.js';
import type { SimChannel } from './types.js';
import { STATE, stateDesc } from './wire.js';

/**
 * Dial(<Tech>/<resource>,...): the dialled phone rings for one (scaled) second, answers, and is
 * bridged to the caller. When the caller is the `;2` of a Local pair under a pre-12 profile, the
 * pair then optimises itself away as in transcript 11: Masquerade, three Renames, and the
 * originated `;1` Uniqueid lives on under the phone's name (the listener must follow it).
 */
export function dialPhone(pbx: Pbx, caller: SimChannel, data: string, next: () => void): void {
  const target = data.split(',')[0] ?? data;
  const dialString = target.slice(target.indexOf('/') + 1);
  const phone = pbx.newChannel({
    name: `${target}-${pbx.nextLocalId()}`,
    context: caller.context,
    exten: '',
    state: STATE.Down,
    device: target,
    linkedid: caller.linkedid,
  });
  phone.callerNum = dialString.replace(/\D/g, '');
  phone.callerName = `Phone ${dialString}`;
  phone.connectedNum = caller.callerNum;
  phone.connectedName = caller.callerName;
  link(pbx, caller, phone, next);
  pbx.emitEvent('Newchannel', { chan: phone });
  pbx.emitEvent('DialBegin', { caller, chan: phone, dialString });
  pbx.setState(phone, STATE.Ringing);
  pbx.emitEvent('DialState', { caller, chan: phone, dialStatus: 'RINGING' });
  if (caller.peer && caller.peer.state !== STATE.Up) pbx.setState(caller.peer, STATE.Ringing);
  pbx.schedule(phone, 1, () => answered(pbx, caller, phone));
}

function answered(pbx: Pbx, caller: SimChannel, phone: SimChannel): void {
  pbx.setState(phone, STATE.Up);
  pbx.answer(caller);
  if (!caller.alive || !phone.alive) return;
  pbx.emitEvent('DialEnd', { caller, chan: phone, dialStatus: 'ANSWER' });
  const info: BridgeInfo = { id: randomUUID(), name: '', numChannels: 0, type: 'basic', technology: 'simple_bridge', creator: '' };
  pbx.emitEvent('BridgeCreate', { bridge: info });
  pbx.emitEvent('BridgeEnter', { chan: caller, bridge: { ...info, numChannels: 1 } });
  pbx.emitEvent('BridgeEnter', { chan: phone, bridge: { ...info, numChannels: 2 } });
  pbx.emitEvent('BridgeLink', { caller, chan: phone });
  caller.bridgeId = info.id;
  phone.bridgeId = info.id;
  if (caller.bridge) caller.bridge.info = info;
  if (phone.bridge) phone.bridge.info = info;
  if (!pbx.profile.modern && caller.peer?.alive) optimizeLocal(pbx, caller.peer, caller, phone);
}

/** Each side learns what to do when the other goes: the phone hangs up, the caller's Dial returns. */
function link(pbx: Pbx, caller: SimChannel, phone: SimChannel, next: () => void): void {
  caller.bridge = { partner: phone, onPartnerGone: next };
  phone.bridge = { partner: caller, onPartnerGone: () => pbx.hangup(phone, 16) };
}

/**
 * Break a channel's Dial link (it hangs up or is redirected): bridge leave events when the call
 * was bridged. Returns what the partner does next, to run once the caller's own events are out.
 */
export function unbridge(pbx: Pbx, ch: SimChannel): (() => void) | undefined {
  const link = ch.bridge;
  if (!link) return undefined;
  const partner = link.partner;
  const then = partner.bridge?.onPartnerGone;
  ch.bridge = undefined;
  partner.bridge = undefined;
  ch.bridgeId = '';
  partner.bridgeId = '';
  if (link.info) {
    pbx.emitEvent('BridgeLeave', { chan: ch, bridge: { ...link.info, numChannels: 1 } });
    pbx.emitEvent('BridgeLeave', { chan: partner, bridge: { ...link.info, numChannels: 0 } });
    pbx.emitEvent('BridgeDestroy', { bridge: link.info });
    pbx.emitEvent('BridgeUnlink', { caller: ch, chan: partner });
  }
  return partner.alive ? then : undefined;
}

/** Pre-12 Local optimisation: the phone takes `;1`'s place (and Uniqueid); `;2` and the clone go. */
function optimizeLocal(pbx: Pbx, one: SimChannel, two: SimChannel, phone: SimChannel): void {
  const original = one.name;
  const clone = phone.name;
  pbx.emitEvent('Masquerade', { clone, cloneState: stateDesc(phone.state), original, originalState: stateDesc(one.state) });
  pbx.rename(phone, `${clone}<MASQ>`);
  pbx.rename(one, clone);
  pbx.rename(phone, `${original}<ZOMBIE>`);
  one.callerNum = phone.callerNum;
  one.callerName = phone.callerName;
  pbx.devices.detach(one);
  one.device = phone.device;
  pbx.devices.attach(one);
  one.peer = undefined;
  pbx.emitEvent('NewCallerid', { chan: one });
  two.bridge = undefined;
  phone.bridge = undefined;
  pbx.emitEvent('BridgeUnlink', { caller: two, chan: phone });
  pbx.emitEvent('HangupRequest', { chan: two, cause: 16 });
  pbx.emitEvent('Hangup', { chan: phone, cause: 16 });
  pbx.destroy(phone, 16);
  pbx.emitEvent('SoftHangupRequest', { chan: two, cause: 16 });
  pbx.emitEvent('Hangup', { chan: two, cause: 16 });
  pbx.destroy(two, 16);
}

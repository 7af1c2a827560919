import type { Pbx } from './pbx.js';
import type { SimChannel } from './types.js';
import { STATE } from './wire.js';

/** Channels made by addPhoneCall: the only ones answerPhoneCall may answer. */
const phoneCalls = new WeakSet<SimChannel>();

export interface PhoneCallOptions {
  /** Real ms (not scaled) until the phone answers; null: it rings until hung up. Default 0. */
  answerAfterMs?: number | null;
  callerIdNum?: string;
  callerIdName?: string;
}

/**
 * A call reaching a phone without an Originate (test API `addPhoneCall`): the channel
 * `<device>-<id>` appears, rings, and answers after `answerAfterMs`; it stays up until hung up.
 * Its device follows it (RINGING, INUSE, NOT_INUSE), as a real phone's would.
 */
export function addPhoneCall(pbx: Pbx, device: string, opts: PhoneCallOptions = {}): SimChannel {
  const slash = device.indexOf('/');
  if (slash <= 0 || slash === device.length - 1 || /\s/.test(device) || device.startsWith('Local/'))
    throw new Error(`addPhoneCall: device ${JSON.stringify(device)} must be Tech/resource (not Local)`);
  const answerAfterMs = opts.answerAfterMs === undefined ? 0 : opts.answerAfterMs;
  if (answerAfterMs !== null && !(answerAfterMs >= 0)) throw new Error(`addPhoneCall: answerAfterMs must be 0 or more, or null`);
  const ch = pbx.newChannel({ name: `${device}-${pbx.nextLocalId()}`, context: 'default', exten: '', state: STATE.Down, device });
  ch.callerNum = opts.callerIdNum ?? '';
  ch.callerName = opts.callerIdName ?? '';
  ch.app = 'AppDial';
  ch.appData = '(Outgoing Line)';
  phoneCalls.add(ch);
  pbx.emitEvent('Newchannel', { chan: ch });
  pbx.setState(ch, STATE.Ringing);
  if (answerAfterMs !== null) {
    // Real time, so a test's ringing phase does not depend on timeScale.
    const t = setTimeout(() => {
      ch.timers.delete(t);
      if (ch.alive) pbx.setState(ch, STATE.Up);
    }, answerAfterMs);
    ch.timers.add(t);
  }
  return ch;
}

/** Answer a ringing phone call now (test API); false when the channel is not one still ringing. */
export function answerPhoneCall(pbx: Pbx, ch: SimChannel): boolean {
  if (!phoneCalls.has(ch) || !ch.alive || ch.state !== STATE.Ringing) return false;
  for (const t of ch.timers) clearTimeout(t);
  ch.timers.clear();
  pbx.setState(ch, STATE.Up);
  return true;
}

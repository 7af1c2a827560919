import type { Pbx } from './pbx.js';
import type { SimChannel } from './types.js';
import { STATE } from './wire.js';
import { dialPhone } from './dial.js';
import { unbridge } from './unbridge.js';
import { step } from './races.js';

type Step = readonly [app: string, data: string];

/**
 * The simulated dialplan (SPEC §11), the same in every context so that captures made with other
 * context names (`amq-test`, `amq-park`) replay. 201 is a simulator addition: MeetMe room 5000.
 */
export const EXTENSIONS: Readonly<Record<string, readonly Step[]>> = {
  '100': [
    ['Answer', ''],
    ['Wait', '5'],
    ['Hangup', ''],
  ],
  '200': [
    ['Answer', ''],
    ['ConfBridge', '4000'],
    ['Hangup', ''],
  ],
  '201': [
    ['Answer', ''],
    ['MeetMe', '5000'],
    ['Hangup', ''],
  ],
  '300': [
    ['Answer', ''],
    ['Echo', ''],
  ],
  '400': [['Busy', '10']],
  '401': [['Congestion', '10']],
  '500': [
    ['Ringing', ''],
    ['Wait', '30'],
    ['Answer', ''],
    ['Echo', ''],
  ],
  '600': [
    ['Answer', ''],
    ['Wait', '3600'],
    ['Hangup', ''],
  ],
  '700': [
    ['Answer', ''],
    ['Wait', '600'],
    ['Hangup', ''],
  ],
  // Simulator addition: a phone ({phone} = PJSIP, or SIP before 12) answers after 1 s; before 12
  // the Local pair then optimises away (Masquerade/Rename) as in transcript 11.
  '800': [
    ['Dial', '{phone}/phone800,30'],
    ['Hangup', ''],
  ],
};

export function extensionExists(exten: string): boolean {
  return Object.hasOwn(EXTENSIONS, exten);
}

/** Run the channel's current priority, and the following ones as each step completes. */
export function runDialplan(pbx: Pbx, ch: SimChannel): void {
  const step = EXTENSIONS[ch.exten]?.[ch.priority - 1];
  if (!step) {
    // Falling off the end of an extension (or an unknown one) hangs the channel up.
    pbx.hangup(ch, 16);
    return;
  }
  const token = ch.runToken;
  const data = step[1].replace('{phone}', pbx.profile.phoneTech);
  ch.app = step[0];
  ch.appData = data;
  pbx.emitEvent('Newexten', { chan: ch });
  runApp(pbx, ch, step[0], data, () => {
    if (!ch.alive || ch.runToken !== token) return;
    ch.priority++;
    runDialplan(pbx, ch);
  });
}

/** An Originate with Application/Data: the app runs alone and the channel hangs up after it. */
export function runApplication(pbx: Pbx, ch: SimChannel, app: string, data: string): void {
  const token = ch.runToken;
  ch.app = app;
  ch.appData = data;
  pbx.emitEvent('Newexten', { chan: ch });
  runApp(pbx, ch, app, data, () => {
    if (ch.alive && ch.runToken === token) pbx.hangup(ch, 16);
  });
}

/** Execute one application; `next` continues the dialplan when the application returns. */
function runApp(pbx: Pbx, ch: SimChannel, app: string, data: string, next: () => void): void {
  const seconds = Number.parseFloat(data) || 0;
  switch (app.toLowerCase()) {
    case 'answer':
      pbx.answer(ch);
      next();
      return;
    case 'wait':
      pbx.schedule(ch, seconds, next);
      return;
    case 'hangup':
      pbx.hangup(ch, Number.parseInt(data, 10) || 16, true);
      return;
    case 'busy':
    case 'congestion': {
      const kind = app.toLowerCase() === 'busy' ? 'busy' : 'congestion';
      if (ch.state === STATE.Up) {
        pbx.schedule(ch, seconds, next);
        return;
      }
      const pending = ch.pending;
      ch.pending = undefined;
      // An Originate waiting on this channel races its own thread against ours (originate.ts).
      if (pending) {
        pending.failed(kind);
        return;
      }
      pbx.setState(ch, STATE.Busy);
      pbx.schedule(ch, seconds, () => pbx.hangup(ch, kind === 'busy' ? 17 : 34));
      return;
    }
    case 'ringing': {
      // Ringing() on the `;2` an Originate dials: `;1` shows Ringing and the originate thread
      // raises DialState RINGING while `;2` goes on with its dialplan (captures asterisk-18/20).
      const one = ch.pending && ch.peer;
      if (!one || ch.state === STATE.Up) {
        next();
        return;
      }
      pbx.setState(one, STATE.Ringing);
      pbx.race(
        [[step(next), step(() => pbx.deviceState(ch, 'INUSE'))], [step(() => pbx.emitEvent('DialState', { chan: one, dialStatus: 'RINGING' }))]],
        pbx.profile.canonical.ringing,
      );
      return;
    }
    case 'confbridge':
      pbx.conferences.joinConfbridge(ch, data.split(',')[0] ?? data, next);
      return;
    case 'meetme':
      pbx.conferences.joinMeetme(ch, data.split(',')[0] ?? data, next);
      return;
    case 'dial':
      dialPhone(pbx, ch, data, next);
      return;
    case 'playback':
      pbx.schedule(ch, 1, next);
      return;
    default:
      // Echo, and any application the simulator does not model, runs until hung up.
      return;
  }
}

/** Redirect: leave whatever the channel was doing (timers, conference) and start over elsewhere. */
export function redirectChannel(pbx: Pbx, ch: SimChannel, context: string, exten: string, priority: number): void {
  pbx.conferences.leave(ch, 'REDIRECT');
  const partnerNext = unbridge(pbx, ch);
  ch.runToken++;
  for (const t of ch.timers) pbx.cancel(ch, t);
  ch.context = context;
  ch.exten = exten;
  ch.priority = priority;
  runDialplan(pbx, ch);
  partnerNext?.();
}

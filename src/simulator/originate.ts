import type { OriginateOutcome } from './events.js';
import { settle, type Pbx } from './pbx.js';
import type { OriginateRecord, Origin, SimChannel } from './types.js';
import { STATE } from './wire.js';
import { extensionExists, runApplication, runDialplan } from './dialplan.js';
import { step, type Step } from './races.js';

export interface OriginateRequest {
  dial: string;
  exten?: string;
  context?: string;
  priority: number;
  application?: string;
  data?: string;
  callerNum: string;
  callerName: string;
  vars: Array<[string, string]>;
  /** Originate Timeout in ms (scaled by timeScale like every dialplan delay). */
  timeoutMs: number;
  actionId?: string;
  /** ChannelId / OtherChannelId (13+): Uniqueids of `;1` (or the E1 channel) and `;2`. */
  channelId?: string;
  otherChannelId?: string;
}

/** Called once, at the point of the event stream where Asterisk raises OriginateResponse. */
export type OutcomeCallback = (outcome: OriginateOutcome) => void;

const LOCAL = /^Local\/([^@/]+)(?:@([^/]+?))?(\/n)?$/i;
const E1 = /^(?:DAHDI|Zap)\/(?:[gGrR]\d+\/)?(\d+)$/i;

/**
 * Place the call an Originate asks for: Local/<exten>@<context> through the dialplan, or an E1
 * channel (DAHDI/<c>, Zap/<c>, DAHDI/g1/<c>) that answers at once. Anything else fails like
 * `Foo/bar` in originate-badchannel (Reason 0, no channel).
 */
export function originate(pbx: Pbx, req: OriginateRequest, done: OutcomeCallback): OriginateRecord {
  const origin: Origin = { record: { ...(req.actionId ? { actionId: req.actionId } : {}), dial: req.dial, ended: false }, liveChannels: 0 };
  const report: OutcomeCallback = (outcome) => {
    Object.assign(origin.record, { response: outcome.response, reason: outcome.reason });
    settle(origin);
    done(outcome);
  };
  const base: Omit<OriginateOutcome, 'response' | 'channel' | 'reason'> = {
    ...(req.actionId ? { actionId: req.actionId } : {}),
    ...(req.application ? { application: req.application, data: req.data ?? '' } : { context: req.context ?? '', exten: req.exten ?? '' }),
    callerNum: req.callerNum,
    callerName: req.callerName,
  };
  const fail = (reason: number) => report({ ...base, response: 'Failure', channel: req.dial, reason, ...(req.channelId ? { uniqueid: req.channelId } : {}) });
  const succeed = (chan: SimChannel) => report({ ...base, response: 'Success', channel: chan.name, reason: 4, chan });

  const local = LOCAL.exec(req.dial);
  if (local && extensionExists(local[1]!)) {
    originateLocal(pbx, req, origin, local[1]!, local[2] ?? 'default', succeed, fail);
    return origin.record;
  }
  const e1 = E1.exec(req.dial);
  if (e1) {
    originateE1(pbx, req, origin, Number(e1[1]), succeed, fail);
    return origin.record;
  }
  queueMicrotask(() => fail(0));
  return origin.record;
}

/** The originated channel (`;1`, or the E1 channel) names the call in its record. */
function originated(origin: Origin, ch: SimChannel): void {
  Object.assign(origin.record, { channel: ch.name, uniqueid: ch.uniqueid, linkedid: ch.linkedid });
}

/** Local/<exten>@<context>: the ;1/;2 pair, event for event as originate-local/-busy/-timeout. */
function originateLocal(
  pbx: Pbx,
  req: OriginateRequest,
  origin: Origin,
  exten: string,
  context: string,
  succeed: (c: SimChannel) => void,
  fail: (reason: number) => void,
): void {
  const p = pbx.profile;
  const base = `Local/${exten}@${context}-${pbx.nextLocalId()}`;
  const device = `Local/${exten}@${context}`;
  const init = { context, exten, device, origin };
  const one = pbx.newChannel({ ...init, name: `${base}${p.localHalfSeparator}1`, state: STATE.Down, uniqueid: req.channelId });
  const two = pbx.newChannel({ ...init, name: `${base}${p.localHalfSeparator}2`, state: STATE.Ring, linkedid: one.uniqueid, uniqueid: req.otherChannelId });
  one.peer = two;
  two.peer = one;
  originated(origin, one);
  pbx.emitEvent('Newchannel', { chan: one });
  pbx.emitEvent('Newchannel', { chan: two });
  outgoingLine(pbx, one);
  // Stasis reports ;2's VarSet from its snapshot taken before the caller id and variables arrived.
  const staleTwo: SimChannel = { ...two, vars: new Map(two.vars) };
  setVarsAndCallerId(pbx, one, req);
  for (const [k, v] of req.vars) pbx.setVar(two, k, v, staleTwo);
  setCallerId(pbx, two, req, true);
  pbx.emitEvent('LocalBridge', { chan: one, other: two });
  pbx.emitEvent('DialBegin', { chan: one, dialString: `${exten}@${context}` });

  const timer = pbx.schedule(two, req.timeoutMs / 1000, () => {
    two.pending = undefined;
    const cause = p.timeoutCause;
    const request = step(() => pbx.emitEvent('HangupRequest', { chan: two, cause }));
    pbx.race(
      [
        [request, hangupStep(pbx, one, cause), step(() => pbx.deviceState(one, 'NOT_INUSE'))],
        [
          step(() => pbx.emitEvent('SoftHangupRequest', { chan: two, cause: 16 }), request),
          hangupStep(pbx, two, cause),
          step(() => pbx.deviceState(two, 'NOT_INUSE')),
        ],
        [step(() => fail(3), request)],
      ],
      p.canonical.timeout,
    );
  });
  two.pending = {
    answered: () => {
      pbx.cancel(two, timer);
      pbx.setState(one, STATE.Up);
      pbx.emitEvent('DialEnd', { chan: one, dialStatus: 'ANSWER' });
      startTarget(pbx, one, req);
      pbx.deviceState(one, 'INUSE');
      pbx.deviceState(two, 'INUSE');
      succeed(one);
    },
    // Busy()/Congestion() on ;2 tells ;1 (DialEnd) before setting its own state: the originate
    // thread may request ;2's hangup and hang ;1 up (Cause 0) before ;2 shows Busy (capture
    // asterisk-18/originate-busy) or after; ;2's Hangup with the real cause comes either side of
    // ;1's. The OriginateResponse comes before ;1's Hangup in all 120 calls of the burst captures.
    failed: (kind) => {
      pbx.cancel(two, timer);
      const cause = kind === 'busy' ? 17 : 34;
      const dialEnd = step(() => pbx.emitEvent('DialEnd', { chan: one, dialStatus: kind === 'busy' ? 'BUSY' : 'CONGESTION' }));
      const request = step(() => pbx.emitEvent('HangupRequest', { chan: two, cause: 0 }));
      pbx.race(
        [
          [dialEnd, request, step(() => fail(kind === 'busy' ? 5 : 8)), hangupStep(pbx, one, 0, () => pbx.deviceState(one, 'NOT_INUSE'))],
          [
            step(() => {
              pbx.setState(two, STATE.Busy);
              pbx.deviceState(two, 'INUSE');
            }),
            step(() => pbx.emitEvent('SoftHangupRequest', { chan: two, cause: 16 }), request),
            hangupStep(pbx, two, cause),
            step(() => pbx.deviceState(two, 'NOT_INUSE')),
          ],
        ],
        p.canonical.busy,
      );
    },
    hungUp: () => fail(1),
  };
  runDialplan(pbx, two);
}

/** A channel's Hangup event, then it is gone (and `then`, in the same step). */
function hangupStep(pbx: Pbx, ch: SimChannel, cause: number, then?: () => void): Step {
  return step(() => {
    pbx.emitEvent('Hangup', { chan: ch, cause });
    pbx.destroy(ch, cause);
    then?.();
  });
}

/** An E1 channel `DAHDI/<c>-1` (`Zap/<c>-1`): answered at once, then on to the Originate's target. */
function originateE1(pbx: Pbx, req: OriginateRequest, origin: Origin, c: number, succeed: (ch: SimChannel) => void, fail: (reason: number) => void): void {
  const tech = pbx.opts.e1Tech;
  const name = `${tech}/${c}-1`;
  if (c < 1 || pbx.find(name)) {
    // The B-channel is in use: chan_dahdi refuses with a busy cause.
    queueMicrotask(() => fail(c < 1 ? 0 : 5));
    return;
  }
  const ch = pbx.newChannel({ name, context: 'default', exten: 's', state: STATE.Down, device: `${tech}/${c}`, uniqueid: req.channelId, origin });
  originated(origin, ch);
  pbx.emitEvent('Newchannel', { chan: ch });
  outgoingLine(pbx, ch);
  setVarsAndCallerId(pbx, ch, req);
  pbx.emitEvent('DialBegin', { chan: ch, dialString: req.dial.slice(req.dial.indexOf('/') + 1) });
  pbx.setState(ch, STATE.Ringing);
  pbx.setState(ch, STATE.Up);
  pbx.emitEvent('DialEnd', { chan: ch, dialStatus: 'ANSWER' });
  startTarget(pbx, ch, req);
  pbx.deviceState(ch, 'INUSE');
  succeed(ch);
}

function outgoingLine(pbx: Pbx, ch: SimChannel): void {
  ch.app = 'AppDial2';
  ch.appData = '(Outgoing Line)';
  pbx.emitEvent('OutgoingLine', { chan: ch });
}

function setVarsAndCallerId(pbx: Pbx, ch: SimChannel, req: OriginateRequest): void {
  for (const [k, v] of req.vars) pbx.setVar(ch, k, v);
  setCallerId(pbx, ch, req, false);
}

/** NewCallerid then NewConnectedLine; the ;2 half already knows its connected line. */
function setCallerId(pbx: Pbx, ch: SimChannel, req: OriginateRequest, connectedFirst: boolean): void {
  if (!req.callerNum && !req.callerName) return;
  if (connectedFirst) setConnected(ch, req);
  ch.callerNum = req.callerNum;
  ch.callerName = req.callerName;
  pbx.emitEvent('NewCallerid', { chan: ch });
  setConnected(ch, req);
  pbx.emitEvent('NewConnectedLine', { chan: ch });
}

function setConnected(ch: SimChannel, req: OriginateRequest): void {
  ch.connectedNum = req.callerNum;
  ch.connectedName = req.callerName;
}

/** The answered channel goes where the Originate said: Exten/Context/Priority or Application. */
function startTarget(pbx: Pbx, ch: SimChannel, req: OriginateRequest): void {
  if (req.application) {
    runApplication(pbx, ch, req.application, req.data ?? '');
    return;
  }
  ch.context = req.context ?? 'default';
  ch.exten = req.exten ?? 's';
  ch.priority = req.priority;
  runDialplan(pbx, ch);
}

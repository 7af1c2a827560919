import type { AmiHeader } from '../shared/ami/message.js';
import type { SimChannel } from './types.js';
import { stateDesc, causeText, escapeC } from './wire.js';
import { extensionStateText } from './device-state.js';
import { chanOf, chanVariableLines, f, orUnknown, type EventData, type EventTable, type Field } from './events.js';

/**
 * The Asterisk 12+ channel snapshot block (ast_manager_build_channel_state_string_prefix), in
 * its order, with `ChanVariable` lines for manager.conf `channelvars` (empty value before set).
 */
export function snapshot(ch: SimChannel, prefix: string, channelVars: readonly string[]): AmiHeader[] {
  const p = prefix;
  const h: AmiHeader[] = [
    [`${p}Channel`, ch.name],
    [`${p}ChannelState`, String(ch.state)],
    [`${p}ChannelStateDesc`, stateDesc(ch.state)],
    [`${p}CallerIDNum`, orUnknown(ch.callerNum)],
    [`${p}CallerIDName`, orUnknown(ch.callerName)],
    [`${p}ConnectedLineNum`, orUnknown(ch.connectedNum)],
    [`${p}ConnectedLineName`, orUnknown(ch.connectedName)],
    [`${p}Language`, ch.language],
    [`${p}AccountCode`, ch.accountCode],
    [`${p}Context`, ch.context],
    [`${p}Exten`, ch.exten],
    [`${p}Priority`, String(ch.priority)],
    [`${p}Uniqueid`, ch.uniqueid],
    [`${p}Linkedid`, ch.linkedid],
  ];
  for (const v of channelVars) h.push([`${p}ChanVariable`, `${v}=${ch.vars.get(v) ?? ''}`]);
  return h;
}

const snap =
  (prefix = '', pick: (d: EventData) => SimChannel | undefined = (d) => d.chan): Field =>
  (d, c) => {
    const ch = pick(d);
    if (!ch) throw new Error('event needs a channel');
    return snapshot(ch, prefix, c.channelVars);
  };

/** Dial events: the caller's unprefixed snapshot, when there is a caller (not for an Originate). */
const callerSnap: Field = (d, c) => (d.caller ? snapshot(d.caller, '', c.channelVars) : []);

const bridgeBlock: Field = (d) => {
  const b = d.bridge;
  if (!b) throw new Error('event needs a bridge');
  return [
    ['BridgeUniqueid', b.id],
    ['BridgeType', b.type],
    ['BridgeTechnology', b.technology],
    ['BridgeCreator', b.creator],
    ['BridgeName', b.name],
    ['BridgeNumChannels', String(b.numChannels)],
    ['BridgeVideoSourceMode', 'none'],
  ];
};

const cause = f('Cause', (d) => String(d.cause ?? 0));
const conference = f('Conference', (d) => d.conference);
const exten: Field[] = [snap(), f('Extension', (d) => chanOf(d).exten), f('Application', (d) => chanOf(d).app), f('AppData', (d) => chanOf(d).appData)];

/**
 * OriginateResponse, still raised the pre-12 way in 22: `ChanVariable(<chan>)` lines (capture
 * originate-amiq-id). `<null>` Uniqueid before 13, the duplicate `CallerID` and no variables in 1.4.
 */
export const originateFields = (opts: { unknownUniqueid: string; callerId: boolean; chanVars: boolean }): Field[] => [
  f('ActionID', (d) => d.originate?.actionId || undefined),
  f('Response', (d) => d.originate?.response),
  f('Channel', (d) => d.originate?.channel),
  f('Context', (d) => (d.originate?.application ? undefined : (d.originate?.context ?? ''))),
  f('Exten', (d) => (d.originate?.application ? undefined : (d.originate?.exten ?? ''))),
  f('Application', (d) => d.originate?.application),
  f('Data', (d) => (d.originate?.application ? (d.originate.data ?? '') : undefined)),
  f('Reason', (d) => String(d.originate?.reason ?? 0)),
  f('Uniqueid', (d) => d.originate?.chan?.uniqueid ?? d.originate?.uniqueid ?? opts.unknownUniqueid),
  f('CallerID', (d) => (opts.callerId ? d.originate?.callerNum || '<unknown>' : undefined)),
  f('CallerIDNum', (d) => d.originate?.callerNum || '<unknown>'),
  f('CallerIDName', (d) => d.originate?.callerName || '<unknown>'),
  (d, c) => (opts.chanVars ? chanVariableLines(d.originate?.chan, c.channelVars) : []),
];

/** manager_state_cb: Exten, Context, Hint, Status (1.6+; StatusText since 12). */
export const extensionStatus: Field[] = [
  f('Exten', (d) => d.hint?.exten),
  f('Context', (d) => d.hint?.context),
  f('Hint', (d) => d.hint?.app),
  f('Status', (d) => String(d.hint?.last ?? -1)),
];

export const EVENTS_22: EventTable = {
  Newchannel: { name: 'Newchannel', cls: 'call', fields: [snap()] },
  Newstate: { name: 'Newstate', cls: 'call', fields: [snap()] },
  Newexten: { name: 'Newexten', cls: 'dialplan', fields: exten },
  OutgoingLine: { name: 'Newexten', cls: 'dialplan', fields: exten },
  NewCallerid: { name: 'NewCallerid', cls: 'call', fields: [snap(), f('CID-CallingPres', () => '0 (Presentation Allowed, Not Screened)')] },
  NewConnectedLine: { name: 'NewConnectedLine', cls: 'call', fields: [snap()] },
  VarSet: { name: 'VarSet', cls: 'dialplan', fields: [snap(), f('Variable', (d) => d.variable), f('Value', (d) => d.value ?? '')] },
  LocalBridge: {
    name: 'LocalBridge',
    cls: 'call',
    fields: [
      snap('LocalOne'),
      snap('LocalTwo', (d) => d.other),
      f('Context', (d) => d.other?.context),
      f('Exten', (d) => d.other?.exten),
      f('LocalOptimization', () => 'Yes'),
    ],
  },
  DialBegin: { name: 'DialBegin', cls: 'call', fields: [callerSnap, snap('Dest'), f('DialString', (d) => d.dialString)] },
  DialState: { name: 'DialState', cls: 'call', fields: [callerSnap, snap('Dest'), f('DialStatus', (d) => d.dialStatus)] },
  DialEnd: { name: 'DialEnd', cls: 'call', fields: [callerSnap, snap('Dest'), f('DialStatus', (d) => d.dialStatus)] },
  HangupRequest: { name: 'HangupRequest', cls: 'call', fields: [snap(), cause] },
  SoftHangupRequest: { name: 'SoftHangupRequest', cls: 'call', fields: [snap(), cause] },
  Hangup: { name: 'Hangup', cls: 'call', fields: [snap(), cause, f('Cause-txt', (d) => causeText(d.cause ?? 0))] },
  OriginateResponse: { name: 'OriginateResponse', cls: 'call', fields: originateFields({ unknownUniqueid: '<unknown>', callerId: false, chanVars: true }) },
  DeviceStateChange: { name: 'DeviceStateChange', cls: 'call', fields: [f('Device', (d) => d.device), f('State', (d) => d.deviceState)] },
  PresenceStateChange: {
    name: 'PresenceStateChange',
    cls: 'call',
    fields: [
      f('Presentity', (d) => d.presence?.provider),
      f('Status', (d) => d.presence?.status),
      f('Subtype', (d) => escapeC(d.presence?.subtype ?? '')),
      f('Message', (d) => escapeC(d.presence?.message ?? '')),
    ],
  },
  PresenceStatus: {
    name: 'PresenceStatus',
    cls: 'call',
    fields: [
      ...extensionStatus.slice(0, 3),
      f('Status', (d) => d.presence?.status),
      f('Subtype', (d) => d.presence?.subtype),
      f('Message', (d) => d.presence?.message),
    ],
  },
  ExtensionStatus: { name: 'ExtensionStatus', cls: 'call', fields: [...extensionStatus, f('StatusText', (d) => extensionStateText(d.hint?.last ?? -1))] },
  BridgeCreate: { name: 'BridgeCreate', cls: 'call', fields: [bridgeBlock] },
  BridgeEnter: { name: 'BridgeEnter', cls: 'call', fields: [bridgeBlock, snap()] },
  BridgeLeave: { name: 'BridgeLeave', cls: 'call', fields: [bridgeBlock, snap()] },
  BridgeDestroy: { name: 'BridgeDestroy', cls: 'call', fields: [bridgeBlock] },
  ConfbridgeStart: { name: 'ConfbridgeStart', cls: 'call', fields: [conference, bridgeBlock] },
  ConfbridgeJoin: {
    name: 'ConfbridgeJoin',
    cls: 'call',
    fields: [conference, bridgeBlock, snap(), f('Admin', () => 'No'), f('Muted', () => 'No')],
  },
  ConfbridgeLeave: { name: 'ConfbridgeLeave', cls: 'call', fields: [conference, bridgeBlock, snap(), f('Admin', () => 'No')] },
  ConfbridgeEnd: { name: 'ConfbridgeEnd', cls: 'call', fields: [conference, bridgeBlock] },
  MeetmeJoin: { name: 'MeetmeJoin', cls: 'call', fields: [f('Meetme', (d) => d.conference), snap(), f('User', (d) => String(d.user))] },
  MeetmeLeave: {
    name: 'MeetmeLeave',
    cls: 'call',
    fields: [f('Meetme', (d) => d.conference), snap(), f('User', (d) => String(d.user)), f('Duration', (d) => String(d.duration ?? 0))],
  },
  MeetmeEnd: { name: 'MeetmeEnd', cls: 'call', fields: [f('Meetme', (d) => d.conference)] },
};

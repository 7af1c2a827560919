import { stateDesc, causeText } from './wire.js';
import { chanOf, chanVariableLines, f, type EventData, type EventTable, type Field } from './events.js';
import type { SimChannel } from './types.js';
import { extensionStatus, originateFields } from './events-22.js';

/**
 * Event tables of the pre-12 versions (REFERENCE §3.1): hand-written field sets per event, empty
 * caller fields as empty strings, channel variables as `ChanVariable(<channel>): NAME=value`
 * after the fields (append_channel_vars). Dial and Bridge events come from app_dial (exten 800);
 * an Originate raised no Dial events then.
 */
const chanVars: Field = (d, c) => chanVariableLines(d.chan, c.channelVars);

const channel = f('Channel', (d) => chanOf(d).name);
const uniqueid = f('Uniqueid', (d) => chanOf(d).uniqueid);
const chanState: Field[] = [f('ChannelState', (d) => String(chanOf(d).state)), f('ChannelStateDesc', (d) => stateDesc(chanOf(d).state))];
const callerId: Field[] = [f('CallerIDNum', (d) => chanOf(d).callerNum), f('CallerIDName', (d) => chanOf(d).callerName)];
const connected: Field[] = [f('ConnectedLineNum', (d) => chanOf(d).connectedNum), f('ConnectedLineName', (d) => chanOf(d).connectedName)];
const cause = f('Cause', (d) => String(d.cause ?? 0));
const causeTxt = f('Cause-txt', (d) => causeText(d.cause ?? 0));
const conference = f('Conference', (d) => d.conference);
const confMember: Field[] = [channel, uniqueid, conference, f('CallerIDnum', (d) => chanOf(d).callerNum), f('CallerIDname', (d) => chanOf(d).callerName)];
const meetmeJoin: Field[] = [
  channel,
  uniqueid,
  f('Meetme', (d) => d.conference),
  f('Usernum', (d) => String(d.user)),
  f('CallerIDnum', (d) => chanOf(d).callerNum || '<unknown>'),
  f('CallerIDname', (d) => chanOf(d).callerName || '<unknown>'),
  f('ConnectedLineNum', (d) => chanOf(d).connectedNum || '<unknown>'),
  f('ConnectedLineName', (d) => chanOf(d).connectedName || '<unknown>'),
];
const newexten: Field[] = [
  channel,
  f('Context', (d) => chanOf(d).context),
  f('Extension', (d) => chanOf(d).exten),
  f('Priority', (d) => String(chanOf(d).priority)),
  f('Application', (d) => chanOf(d).app),
  f('AppData', (d) => chanOf(d).appData),
  uniqueid,
  chanVars,
];

const caller = (d: EventData): SimChannel => {
  if (!d.caller) throw new Error('event needs a caller');
  return d.caller;
};
const bridgePair = (state: string): Field[] => [
  f('Bridgestate', () => state),
  f('Bridgetype', () => 'core'),
  f('Channel1', (d) => caller(d).name),
  f('Channel2', (d) => chanOf(d).name),
  f('Uniqueid1', (d) => caller(d).uniqueid),
  f('Uniqueid2', (d) => chanOf(d).uniqueid),
  f('CallerID1', (d) => caller(d).callerNum),
  f('CallerID2', (d) => chanOf(d).callerNum),
];
const hasCaller = (d: EventData) => d.caller !== undefined;

/** Asterisk 1.8 to 11 (AMI 1.1 to 1.3). */
export const EVENTS_11: EventTable = {
  Newchannel: {
    name: 'Newchannel',
    cls: 'call',
    fields: [
      channel,
      ...chanState,
      ...callerId,
      f('AccountCode', (d) => chanOf(d).accountCode),
      f('Exten', (d) => chanOf(d).exten),
      f('Context', (d) => chanOf(d).context),
      uniqueid,
      chanVars,
    ],
  },
  Newstate: { name: 'Newstate', cls: 'call', fields: [channel, ...chanState, ...callerId, ...connected, uniqueid, chanVars] },
  Newexten: { name: 'Newexten', cls: 'dialplan', fields: newexten },
  NewCallerid: {
    name: 'NewCallerid',
    cls: 'call',
    fields: [channel, ...callerId, uniqueid, f('CID-CallingPres', () => '0 (Presentation Allowed, Not Screened)'), chanVars],
  },
  VarSet: { name: 'VarSet', cls: 'dialplan', fields: [channel, f('Variable', (d) => d.variable), f('Value', (d) => d.value ?? ''), uniqueid, chanVars] },
  LocalBridge: {
    name: 'LocalBridge',
    cls: 'call',
    fields: [
      f('Channel1', (d) => chanOf(d).name),
      f('Channel2', (d) => d.other?.name),
      f('Uniqueid1', (d) => chanOf(d).uniqueid),
      f('Uniqueid2', (d) => d.other?.uniqueid),
      f('Context', (d) => d.other?.context),
      f('Exten', (d) => d.other?.exten),
      f('LocalOptimization', () => 'Yes'),
    ],
  },
  DialBegin: {
    name: 'Dial',
    cls: 'call',
    when: hasCaller,
    fields: [
      f('SubEvent', () => 'Begin'),
      f('Channel', (d) => caller(d).name),
      f('Destination', (d) => chanOf(d).name),
      f('CallerIDNum', (d) => caller(d).callerNum || '<unknown>'),
      f('CallerIDName', (d) => caller(d).callerName || '<unknown>'),
      f('ConnectedLineNum', (d) => caller(d).connectedNum || '<unknown>'),
      f('ConnectedLineName', (d) => caller(d).connectedName || '<unknown>'),
      f('UniqueID', (d) => caller(d).uniqueid),
      f('DestUniqueID', (d) => chanOf(d).uniqueid),
      f('Dialstring', (d) => d.dialString),
    ],
  },
  DialEnd: {
    name: 'Dial',
    cls: 'call',
    when: hasCaller,
    fields: [f('SubEvent', () => 'End'), f('Channel', (d) => caller(d).name), f('UniqueID', (d) => caller(d).uniqueid), f('DialStatus', (d) => d.dialStatus)],
  },
  BridgeLink: { name: 'Bridge', cls: 'call', fields: bridgePair('Link') },
  BridgeUnlink: { name: 'Bridge', cls: 'call', fields: bridgePair('Unlink') },
  Masquerade: {
    name: 'Masquerade',
    cls: 'call',
    fields: [f('Clone', (d) => d.clone), f('CloneState', (d) => d.cloneState), f('Original', (d) => d.original), f('OriginalState', (d) => d.originalState)],
  },
  Rename: { name: 'Rename', cls: 'call', fields: [f('Channel', (d) => d.clone), f('Newname', (d) => d.newName), uniqueid] },
  HangupRequest: { name: 'HangupRequest', cls: 'call', fields: [channel, uniqueid, chanVars] },
  SoftHangupRequest: { name: 'SoftHangupRequest', cls: 'call', fields: [channel, uniqueid, cause, chanVars] },
  Hangup: {
    name: 'Hangup',
    cls: 'call',
    fields: [channel, uniqueid, ...callerId, ...connected, f('AccountCode', (d) => chanOf(d).accountCode), cause, causeTxt, chanVars],
  },
  OriginateResponse: { name: 'OriginateResponse', cls: 'call', fields: originateFields({ unknownUniqueid: '<null>', callerId: false, chanVars: true }) },
  ConfbridgeStart: { name: 'ConfbridgeStart', cls: 'call', fields: [conference] },
  ConfbridgeJoin: { name: 'ConfbridgeJoin', cls: 'call', fields: confMember },
  ConfbridgeLeave: { name: 'ConfbridgeLeave', cls: 'call', fields: confMember },
  ConfbridgeEnd: { name: 'ConfbridgeEnd', cls: 'call', fields: [conference] },
  MeetmeJoin: { name: 'MeetmeJoin', cls: 'call', fields: meetmeJoin },
  MeetmeLeave: { name: 'MeetmeLeave', cls: 'call', fields: [...meetmeJoin, f('Duration', (d) => String(d.duration ?? 0))] },
  MeetmeEnd: { name: 'MeetmeEnd', cls: 'call', fields: [f('Meetme', (d) => d.conference)] },
  // No DeviceStateChange nor PresenceStateChange before 12 (stasis); hints report as here (transcript 11).
  ExtensionStatus: { name: 'ExtensionStatus', cls: 'call', fields: extensionStatus },
};

const state14 = f('State', (d) => stateDesc(chanOf(d).state));

/** Asterisk 1.4 (AMI 1.0): the 1.8-11 table with its own versions of the few events that differed. */
export const EVENTS_14: EventTable = {
  ...EVENTS_11,
  Newchannel: {
    name: 'Newchannel',
    cls: 'call',
    fields: [
      channel,
      state14,
      f('CallerIDNum', (d) => chanOf(d).callerNum || '<unknown>'),
      f('CallerIDName', (d) => chanOf(d).callerName || '<unknown>'),
      uniqueid,
    ],
  },
  Newstate: {
    name: 'Newstate',
    cls: 'call',
    fields: [
      channel,
      state14,
      f('CallerID', (d) => chanOf(d).callerNum || '<unknown>'),
      f('CallerIDName', (d) => chanOf(d).callerName || '<unknown>'),
      uniqueid,
    ],
  },
  Newexten: { name: 'Newexten', cls: 'call', fields: newexten.filter((x) => x !== chanVars) },
  NewCallerid: {
    name: 'Newcallerid',
    cls: 'call',
    fields: [
      channel,
      f('CallerID', (d) => chanOf(d).callerNum || '<Unknown>'),
      f('CallerIDName', (d) => chanOf(d).callerName || '<Unknown>'),
      uniqueid,
      f('CID-CallingPres', () => '0 (Presentation Allowed, Not Screened)'),
    ],
  },
  VarSet: { name: 'VarSet', cls: 'dialplan', fields: [channel, f('Variable', (d) => d.variable), f('Value', (d) => d.value ?? ''), uniqueid] },
  LocalBridge: undefined,
  DialBegin: {
    name: 'Dial',
    cls: 'call',
    when: hasCaller,
    fields: [
      f('Source', (d) => caller(d).name),
      f('Destination', (d) => chanOf(d).name),
      f('CallerID', (d) => caller(d).callerNum || '<unknown>'),
      f('CallerIDName', (d) => caller(d).callerName || '<unknown>'),
      f('SrcUniqueID', (d) => caller(d).uniqueid),
      f('DestUniqueID', (d) => chanOf(d).uniqueid),
    ],
  },
  DialEnd: undefined,
  BridgeLink: { name: 'Link', cls: 'call', fields: bridgePair('Link').slice(2) },
  BridgeUnlink: { name: 'Unlink', cls: 'call', fields: bridgePair('Unlink').slice(2) },
  Masquerade: undefined,
  Rename: { name: 'Rename', cls: 'call', fields: [f('Oldname', (d) => d.clone), f('Newname', (d) => d.newName), uniqueid] },
  HangupRequest: undefined,
  SoftHangupRequest: undefined,
  Hangup: { name: 'Hangup', cls: 'call', fields: [channel, uniqueid, cause, causeTxt] },
  OriginateResponse: { name: 'OriginateResponse', cls: 'call', fields: originateFields({ unknownUniqueid: '<null>', callerId: true, chanVars: false }) },
  ConfbridgeStart: undefined,
  ConfbridgeJoin: undefined,
  ConfbridgeLeave: undefined,
  ConfbridgeEnd: undefined,
  MeetmeJoin: { name: 'MeetmeJoin', cls: 'call', fields: [channel, uniqueid, f('Meetme', (d) => d.conference), f('Usernum', (d) => String(d.user))] },
  MeetmeLeave: {
    name: 'MeetmeLeave',
    cls: 'call',
    fields: [channel, uniqueid, f('Meetme', (d) => d.conference), f('Usernum', (d) => String(d.user)), f('Duration', (d) => String(d.duration ?? 0))],
  },
  MeetmeEnd: undefined,
  // 1.4's manager_state_cb has no Hint line.
  ExtensionStatus: { name: 'ExtensionStatus', cls: 'call', fields: extensionStatus.filter((_, i) => i !== 2) },
};

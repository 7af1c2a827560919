import type { AmiHeader } from '../../shared/ami/message.js';
import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './action-table.js';
import type { SimChannel } from '../types.js';
import { snapshot } from '../events-22.js';
import { hms, stateDesc } from '../wire.js';

/** CoreShowChannels (REFERENCE §4.1; captures coreshowchannels-active, redirect). */
export const CHANNEL_ACTIONS: ActionTable = {
  CoreShowChannels: { handler: coreShowChannels, available: (p) => p.hasCoreShowChannels },
};

function coreShowChannels(ctx: ActionContext): void {
  const { pbx, spec: profile } = ctx.core;
  const channels = pbx.list();
  ctx.listStart('Channels will follow');
  for (const ch of channels) {
    ctx.listItem('CoreShowChannel', profile.modern ? item22(ch, pbx.opts.channelVars) : item11(ch));
  }
  ctx.listComplete('CoreShowChannelsComplete', channels.length);
}

function item22(ch: SimChannel, vars: readonly string[]): AmiHeader[] {
  return [
    ...snapshot(ch, '', vars),
    ['Application', ch.app],
    ['ApplicationData', ch.appData],
    ['Duration', hms(Date.now() - ch.createdAt)],
    ['BridgeId', ch.bridgeId],
  ];
}

function item11(ch: SimChannel): AmiHeader[] {
  return [
    ['Channel', ch.name],
    ['UniqueID', ch.uniqueid],
    ['Context', ch.context],
    ['Extension', ch.exten],
    ['Priority', String(ch.priority)],
    ['ChannelState', String(ch.state)],
    ['ChannelStateDesc', stateDesc(ch.state)],
    ['Application', ch.app],
    ['ApplicationData', ch.appData],
    ['CallerIDnum', ch.callerNum],
    ['CallerIDname', ch.callerName],
    ['ConnectedLineNum', ch.connectedNum],
    ['ConnectedLineName', ch.connectedName],
    ['Duration', hms(Date.now() - ch.createdAt)],
    ['AccountCode', ch.accountCode],
    ['BridgedChannel', ''],
    ['BridgedUniqueID', ''],
  ];
}

import type { AmiHeader } from '../../shared/ami/message.js';
import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './index.js';
import type { SimChannel } from '../types.js';
import { snapshot } from '../events-22.js';
import { stateDesc } from '../wire.js';
import { extensionExists } from '../dialplan.js';
import { parseStateWrite, readStateFunction } from '../state-functions.js';
import { extensionStateText } from '../device-state.js';

/** Status and the small read-only actions the sender allows by default (REFERENCE §4.3). */
export const STATUS_ACTIONS: ActionTable = {
  Status: { handler: status },
  Getvar: { handler: getvar },
  Setvar: { handler: setvar, write: true },
  ExtensionState: { handler: extensionState },
  MailboxStatus: { handler: mailboxStatus },
  QueueStatus: { handler: queueStatus },
  CoreSettings: { handler: coreSettings },
};

function status(ctx: ActionContext): void {
  const { pbx, spec } = ctx.core;
  const name = ctx.get('Channel');
  let channels = pbx.list();
  if (name) {
    const ch = pbx.find(name);
    if (!ch) return ctx.error('No such channel');
    channels = [ch];
  }
  const wanted = (ctx.get('Variables') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (spec.modern) ctx.listStart('Channel status will follow');
  else ctx.success('Channel status will follow');
  for (const ch of channels) {
    const vars = wanted.map((v): AmiHeader => ['Variable', `${v}=${ch.vars.get(v) ?? ''}`]);
    // Status items carry `Privilege: Call` and, unlike other list items, the ActionID last.
    ctx.send([['Event', 'Status'], ['Privilege', 'Call'], ...(spec.modern ? item13(ctx, ch) : item11(ch)), ...vars, ...ctx.idHeader()]);
  }
  const items: AmiHeader = ['Items', String(channels.length)];
  if (spec.modern) ctx.listComplete('StatusComplete', channels.length, [items]);
  else ctx.send([['Event', 'StatusComplete'], ...ctx.idHeader(), items]);
}

const seconds = (ch: SimChannel) => String(Math.floor((Date.now() - ch.createdAt) / 1000));

function item13(ctx: ActionContext, ch: SimChannel): AmiHeader[] {
  return [
    ...snapshot(ch, '', ctx.core.pbx.opts.channelVars),
    ['Type', ch.name.slice(0, ch.name.indexOf('/'))],
    ['DNID', ''],
    ['EffectiveConnectedLineNum', ch.connectedNum || '<unknown>'],
    ['EffectiveConnectedLineName', ch.connectedName || '<unknown>'],
    ['TimeToHangup', '0'],
    ['BridgeID', ch.bridgeId],
    ['Application', ch.app],
    ['Data', ch.appData],
    ['Nativeformats', '(ulaw)'],
    ['Readformat', 'ulaw'],
    ['Readtrans', ''],
    ['Writeformat', 'ulaw'],
    ['Writetrans', ''],
    ['Callgroup', '0'],
    ['Pickupgroup', '0'],
    ['Seconds', seconds(ch)],
  ];
}

function item11(ch: SimChannel): AmiHeader[] {
  return [
    ['Channel', ch.name],
    ['CallerIDNum', ch.callerNum],
    ['CallerIDName', ch.callerName],
    ['ConnectedLineNum', ch.connectedNum],
    ['ConnectedLineName', ch.connectedName],
    ['Accountcode', ch.accountCode],
    ['ChannelState', String(ch.state)],
    ['ChannelStateDesc', stateDesc(ch.state)],
    ['Context', ch.context],
    ['Extension', ch.exten],
    ['Priority', String(ch.priority)],
    ['Seconds', seconds(ch)],
    ['Uniqueid', ch.uniqueid],
  ];
}

/** Getvar/Setvar: the Variable header, and the channel when one is named (global otherwise). */
function varTarget(ctx: ActionContext): { variable: string; ch: SimChannel | undefined } | null {
  const variable = ctx.get('Variable');
  if (!variable) {
    ctx.error('No variable specified');
    return null;
  }
  const name = ctx.get('Channel');
  const ch = name ? ctx.core.pbx.find(name) : undefined;
  if (name && !ch) {
    ctx.error('No such channel');
    return null;
  }
  return { variable, ch };
}

function getvar(ctx: ActionContext): void {
  const t = varTarget(ctx);
  if (!t) return;
  ctx.respond('Success', [
    ['Variable', t.variable],
    ['Value', readStateFunction(ctx.core.pbx.devices, t.variable) ?? t.ch?.vars.get(t.variable) ?? ''],
  ]);
}

function setvar(ctx: ActionContext): void {
  const t = varTarget(ctx);
  if (!t) return;
  const value = ctx.get('Value') ?? '';
  const write = parseStateWrite(t.variable, value);
  if (!write) {
    ctx.success('Variable Set');
    if (t.ch) ctx.core.pbx.setVar(t.ch, t.variable, value);
    return;
  }
  const { core, session } = ctx;
  // The function's write fails (a warning in Asterisk's log): the action says only this.
  if (write.ok) ctx.success('Variable Set');
  else {
    core.logger?.debug({ variable: t.variable, reason: write.reason }, 'simulator: state function refused');
    ctx.error('Variable not set');
  }
  // Recorded once answered (what a test times), then published: stasis raises the event on another thread.
  core.recordStateWrite({
    kind: write.kind,
    variable: t.variable,
    value,
    accepted: write.ok,
    ...(ctx.actionId !== undefined ? { actionId: ctx.actionId } : {}),
    connection: session.id,
    at: Date.now(),
  });
  if (!write.ok) return;
  if (write.kind === 'device') core.pbx.devices.setCustom(write.device, write.state);
  else core.pbx.devices.setPresence(write.presence, write.value);
}

function extensionState(ctx: ActionContext): void {
  const exten = ctx.get('Exten') ?? '';
  const context = ctx.get('Context') ?? '';
  const hint = ctx.core.pbx.devices.hint(exten, context);
  const status = hint ? hint.last : extensionExists(exten) ? 0 : -1;
  ctx.respond('Success', [
    ['Message', 'Extension Status'],
    ['Exten', exten],
    ['Context', context],
    ['Hint', hint?.app ?? ''],
    ['Status', String(status)],
    ['StatusText', extensionStateText(status)],
  ]);
}

function mailboxStatus(ctx: ActionContext): void {
  const mailbox = ctx.get('Mailbox');
  if (!mailbox) return ctx.error('Mailbox not specified');
  ctx.respond('Success', [
    ['Message', 'Mailbox Status'],
    ['Mailbox', mailbox],
    ['Waiting', '0'],
  ]);
}

function queueStatus(ctx: ActionContext): void {
  if (ctx.core.spec.modern) ctx.listStart('Queue status will follow');
  else ctx.success('Queue status will follow');
  ctx.listComplete('QueueStatusComplete', 0);
}

function coreSettings(ctx: ActionContext): void {
  const { spec } = ctx.core;
  ctx.respond('Success', [
    ['AMIversion', spec.banner.slice(spec.banner.indexOf('/') + 1)],
    ['AsteriskVersion', spec.version.split(' ')[1] ?? ''],
    ['SystemName', ''],
    ['CoreMaxCalls', '0'],
    ['CoreMaxLoadAvg', '0.000000'],
    ['CoreRunUser', 'asterisk'],
    ['CoreRunGroup', 'asterisk'],
    ['CoreMaxFilehandles', '0'],
    ['CoreRealTimeEnabled', 'No'],
    ['CoreCDRenabled', 'Yes'],
    ['CoreHTTPenabled', 'No'],
  ]);
}

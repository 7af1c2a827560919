import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './index.js';
import { extensionStateText } from '../device-state.js';
import { escapeC } from '../wire.js';

/**
 * The state list actions of 13+ (res_manager_devicestate.c, res_manager_presencestate.c,
 * pbx.c action_extensionstatelist): a list ack, one event per cached entry written straight
 * (Event, ActionID, fields: no Privilege line), then the ...Complete event.
 */
export const DEVICE_ACTIONS: ActionTable = {
  DeviceStateList: { handler: deviceStateList, available: (p) => p.modern },
  PresenceStateList: { handler: presenceStateList, available: (p) => p.modern },
  ExtensionStateList: { handler: extensionStateList, available: (p) => p.modern },
};

function deviceStateList(ctx: ActionContext): void {
  const states = ctx.core.pbx.devices.cached();
  ctx.listStart('Device State Changes will follow');
  for (const [device, state] of states)
    ctx.listItem('DeviceStateChange', [
      ['Device', device],
      ['State', state],
    ]);
  ctx.listComplete('DeviceStateListComplete', states.length);
}

function presenceStateList(ctx: ActionContext): void {
  const presences = ctx.core.pbx.devices.presences();
  ctx.listStart('Presence State Changes will follow');
  for (const p of presences)
    ctx.listItem('PresenceStateChange', [
      ['Presentity', p.provider],
      ['Status', p.status],
      ['Subtype', escapeC(p.subtype)],
      ['Message', escapeC(p.message)],
    ]);
  ctx.listComplete('PresenceStateListComplete', presences.length);
}

function extensionStateList(ctx: ActionContext): void {
  const hints = ctx.core.pbx.devices.hintList();
  ctx.listStart('Extension Statuses will follow');
  for (const h of hints)
    ctx.listItem('ExtensionStatus', [
      ['Exten', h.exten],
      ['Context', h.context],
      ['Hint', h.app],
      ['Status', String(h.last)],
      ['StatusText', extensionStateText(h.last)],
    ]);
  ctx.listComplete('ExtensionStateListComplete', hints.length);
}

import type { ActionContext } from '../action-context.js';
import type { ProfileSpec } from '../profiles.js';
import { SESSION_ACTIONS } from './session.js';
import { CALL_ACTIONS } from './calls.js';
import { CHANNEL_ACTIONS } from './channels.js';
import { COMMAND_ACTIONS } from './command.js';
import { CONFERENCE_ACTIONS } from './conference.js';
import { STATUS_ACTIONS } from './status.js';
import { DEVICE_ACTIONS } from './devices.js';
import { AST_MAX_MANHEADERS } from '../input.js';

export interface ActionEntry {
  handler: (ctx: ActionContext) => void | Promise<void>;
  /** Needs a write class (call, originate, system, command): refused to read-only users. */
  write?: boolean;
  /** Allowed before Login (Login, Challenge, Logoff). */
  preAuth?: boolean;
  /** Versions that have the action; others answer it as unknown. */
  available?: (p: ProfileSpec) => boolean;
}

export type ActionTable = Record<string, ActionEntry>;

const ALL: ActionTable = {
  ...SESSION_ACTIONS,
  ...CALL_ACTIONS,
  ...CHANNEL_ACTIONS,
  ...COMMAND_ACTIONS,
  ...CONFERENCE_ACTIONS,
  ...STATUS_ACTIONS,
  ...DEVICE_ACTIONS,
};
ALL.ListCommands = { handler: listCommands };

/** Action names are case-insensitive on the wire. */
const ACTIONS = new Map(Object.entries(ALL).map(([k, v]) => [k.toLowerCase(), v]));

function listCommands(ctx: ActionContext): void {
  const known = Object.entries(ALL).filter(([, e]) => !e.available || e.available(ctx.core.spec));
  ctx.respond(
    'Success',
    known.map(([k, e]): [string, string] => [k, `${k}.  (Priv: ${e.write ? 'call,all' : 'reporting,all'})`]),
  );
}

/** Answer one action the way manager.c's process_message does: auth, lookup, permission, handler. */
export async function dispatch(ctx: ActionContext): Promise<void> {
  const { session, core } = ctx;
  if (!ctx.name) {
    ctx.error('Missing action in request');
    return;
  }
  // AST_MAX_MANHEADERS: 1.8.9+ refuses the action; older versions silently kept the first 127.
  if (ctx.msg.headers.length > AST_MAX_MANHEADERS && core.spec.name !== 'asterisk-1.4') {
    ctx.error('Too many lines in message or allocation failure');
    return;
  }
  const entry = ACTIONS.get(ctx.name.toLowerCase());
  if (!session.authed && !entry?.preAuth) {
    ctx.error(core.spec.notAuthenticated);
    return;
  }
  if (!entry || (entry.available && !entry.available(core.spec))) {
    const legacy = core.spec.name === 'asterisk-1.4';
    ctx.error(legacy ? 'Invalid/unknown command' : `Invalid/unknown command: ${ctx.name}. Use Action: ListCommands to show available commands.`);
    core.securityEvent('RequestBadFormat', session, { RequestType: `Action: ${ctx.name}` });
    return;
  }
  if (entry.write && !session.user?.write) {
    ctx.error('Permission denied');
    core.securityEvent('RequestNotAllowed', session, { RequestType: `Action: ${ctx.name}` });
    return;
  }
  await entry.handler(ctx);
}

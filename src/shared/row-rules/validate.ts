import type { AmiHeader } from '../ami/message.js';
import type { QueueRow } from '../db/schema.js';
import { checkRowTimes } from '../queue/queue-time.js';
import { commandAllowed } from './command-prefix.js';
import { parseParams } from './params.js';
import { relayFormProblem, type RelayPolicy } from './relay-setvar.js';
import { checkValue, type SafetyPolicy } from './value-safety.js';

/** The columns the rules read: of a claimed row, or of a row about to be inserted. */
export type RowToCheck = Pick<QueueRow, 'action' | 'channel' | 'callerid' | 'params'> & Partial<Pick<QueueRow, 'not_before' | 'expires_at' | 'created_at'>>;

/** What the config allows (action_sender.allowed_actions / allowed_commands / allowed_dangerous). */
export interface SenderPolicy extends SafetyPolicy {
  allowedActions: readonly string[];
  allowedCommands: readonly string[];
  /** This server is in a device relay group: the relay's own SetVar form is accepted, and no other SetVar (unless allowed_actions has it). */
  relay?: RelayPolicy;
}

/** A row that passed validation: what to send, before the channel is known for sure. */
export interface ActionPlan {
  /** The action name as the config spells it. */
  action: string;
  /** The row's params as ordered headers, checked. */
  params: AmiHeader[];
  /** The row's channel column (checked), sent as `Channel:`. */
  channel: string | null;
  /** Redirect/Hangup without a channel: the callerid of the Originate whose call to act on. */
  byCallerid: string | null;
}

export type Validation = { ok: true; plan: ActionPlan } | { ok: false; message: string };

/** The row-level rule that decides how the channel column is used. */
type ChannelRule = 'required' | 'or-callerid' | 'optional';

interface ActionRule {
  channel: ChannelRule;
  /** Extra checks on the params; returns the INVALID message or null. */
  check?: (p: ParamView) => string | null;
  /** Headers added when the client left them out. */
  defaults?: (p: ParamView) => AmiHeader[];
}

/** Case-insensitive view of the params (Asterisk looks keys up case-insensitively); an empty value is absent. */
class ParamView {
  constructor(readonly headers: AmiHeader[]) {}
  get(key: string): string | undefined {
    const k = key.toLowerCase();
    const v = this.headers.find(([h]) => h.toLowerCase() === k)?.[1];
    return v === '' ? undefined : v;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

const PRIORITY_1 = (p: ParamView): AmiHeader[] => (p.has('Exten') && !p.has('Priority') ? [['Priority', '1']] : []);

/** Required fields per action (SPEC §2, REFERENCE §2 and §5). Other allowed actions pass as given. */
const RULES: Record<string, ActionRule> = {
  originate: {
    channel: 'required',
    check: (p) => {
      const exten = p.has('Exten');
      const app = p.has('Application');
      if (exten && app) return 'params: give Exten+Context or Application, not both';
      if (!exten && !app) return 'params.Exten: Originate needs Exten and Context, or Application';
      if (exten && !p.has('Context')) return 'params.Context: required with Exten';
      return null;
    },
    defaults: PRIORITY_1,
  },
  redirect: {
    channel: 'or-callerid',
    check: (p) => (!p.has('Exten') ? 'params.Exten: required for Redirect' : !p.has('Context') ? 'params.Context: required for Redirect' : null),
    defaults: PRIORITY_1,
  },
  hangup: { channel: 'or-callerid' },
};

const CALLERID = /^[^"<>\\\r\n\0]{1,80}$/;

function checkCommand(p: ParamView, policy: SenderPolicy): string | null {
  const cmd = p.get('Command');
  if (cmd === undefined) return 'params.Command: required for Command';
  if (policy.allowedCommands.length === 0) return 'action: Command is not allowed (action_sender.allowed_commands is empty)';
  if (commandAllowed(cmd, policy.allowedCommands)) return null;
  return `params.Command: ${JSON.stringify(cmd.replace(/\s+/g, ' '))} does not start with an allowed command prefix`;
}

/**
 * Decide, without touching the database or the network, whether a row may be sent and what it
 * becomes: the sender judges each claimed row by these rules, the CLI and the client library a
 * row before they insert it. Every refusal names the field and the rule (`params.Variable[1]: value
 * contains CR, LF or NUL`).
 */
export function validateRow(row: RowToCheck, policy: SenderPolicy): Validation {
  const fail = (message: string): Validation => ({ ok: false, message });
  const badTime = checkRowTimes(row);
  if (badTime !== null) return fail(badTime);
  const isCommand = row.action.toLowerCase() === 'command';
  const allowed = isCommand ? 'Command' : policy.allowedActions.find((a) => a.toLowerCase() === row.action.toLowerCase());
  const relaySetVar = allowed === undefined && policy.relay !== undefined && row.action === 'SetVar';
  const action = relaySetVar ? 'SetVar' : allowed;
  if (action === undefined) return fail(`action: ${JSON.stringify(row.action)} is not an allowed action`);

  const parsed = parseParams(row.params);
  if (!parsed.ok) return fail(parsed.message);
  for (let i = 0; i < parsed.headers.length; i++) {
    const [key, value] = parsed.headers[i]!;
    const bad = checkValue(action, parsed.fields[i]!, key, value, policy);
    if (bad) return fail(bad);
  }
  const view = new ParamView(parsed.headers);
  if (relaySetVar) {
    const bad = relayFormProblem(parsed.headers, row.channel === '' ? null : row.channel, row.callerid === '' ? null : row.callerid, policy.relay!);
    if (bad) return fail(`action: SetVar is not an allowed action, and this is not the device relay's form: ${bad}`);
  }

  if (isCommand) {
    const bad = checkCommand(view, policy);
    if (bad) return fail(bad);
  }

  const rule: ActionRule = RULES[action.toLowerCase()] ?? { channel: 'optional' };
  if (rule.channel !== 'optional' && view.headers.some(([k]) => k.toLowerCase() === 'channel')) {
    return fail(`params.Channel: give the channel in the channel column`);
  }
  if (rule.channel === 'optional' && row.channel !== null && view.has('Channel')) {
    return fail('params.Channel: also given in the channel column');
  }
  // An empty column is a missing one (SQL clients write '' as readily as NULL).
  const channel = row.channel === '' ? null : row.channel;
  const callerid = row.callerid === '' ? null : row.callerid;
  if (channel !== null) {
    const bad = checkValue(action, 'channel', 'Channel', channel, policy);
    if (bad) return fail(bad);
  }
  if (callerid !== null) {
    const bad = checkValue(action, 'callerid', 'CallerID', callerid, policy);
    if (bad) return fail(bad);
  }
  let byCallerid: string | null = null;
  if (rule.channel === 'required' && channel === null) return fail(`channel: required for ${action}`);
  if (rule.channel === 'or-callerid' && channel === null) {
    if (callerid === null) return fail(`channel: required for ${action} (or callerid naming an earlier Originate)`);
    byCallerid = callerid;
  }
  if (action.toLowerCase() === 'originate' && callerid !== null && !CALLERID.test(callerid)) {
    return fail('callerid: must be 1..80 characters without " < > \\ CR LF NUL');
  }

  const bad = rule.check?.(view);
  if (bad) return fail(bad);
  const params = [...view.headers, ...(rule.defaults?.(view) ?? [])];
  return { ok: true, plan: { action, params, channel, byCallerid } };
}

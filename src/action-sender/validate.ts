import type { AmiHeader } from '../shared/ami/message.js';
import { checkHeaders } from '../shared/ami/serializer.js';
import type { QueueRow } from '../shared/db/schema.js';
import { checkRowTimes } from '../shared/queue/queue-time.js';

/** What the config allows (action_sender.allowed_actions / allowed_commands). */
export interface SenderPolicy {
  allowedActions: readonly string[];
  allowedCommands: readonly string[];
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

/** Case-insensitive view of the params (Asterisk looks keys up case-insensitively). */
class ParamView {
  constructor(readonly headers: AmiHeader[]) {}
  get(key: string): string | undefined {
    const k = key.toLowerCase();
    const v = this.headers.find(([h]) => h.toLowerCase() === k)?.[1];
    return v === undefined || v.trim() === '' ? undefined : v;
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

/** Keys amiq sets itself; a client overriding them could break correlation or blocking. */
const RESERVED = new Set(['actionid', 'action', 'async']);

const CLEANER_TAG = 'meetme-cleaner:';
/** The one command shape the meetme-cleaner's own rows may send even with Command off. */
const MEETME_KICK = /^meetme kick [A-Za-z0-9_.-]+ [0-9]+$/;

const CALLERID = /^[^"<>\\\r\n\0]{1,80}$/;

/** One value against the SPEC §5 rules, as checkHeaders judges them; the message names the field. */
function checkValue(field: string, key: string, value: string): string | null {
  const err = checkHeaders([[key, value]]);
  return err ? `${field}: ${err.message.replace(/^header [^:]*: /, '')}` : null;
}

function paramsToHeaders(text: string): { headers: AmiHeader[] } | { message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: 'params: not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { message: 'params: must be a JSON object' };
  const headers: AmiHeader[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const field = `params.${key}`;
    if (RESERVED.has(key.toLowerCase())) return { message: `${field}: set by amiq, may not be given` };
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const name = Array.isArray(value) ? `${field}[${i}]` : field;
      if (typeof v !== 'string') return { message: `${name}: must be a string${Array.isArray(value) ? '' : ' or an array of strings'}` };
      const bad = checkValue(name, key, v);
      if (bad) return { message: bad };
      headers.push([key, v]);
    }
  }
  return { headers };
}

function checkCommand(row: QueueRow, p: ParamView, policy: SenderPolicy): string | null {
  const raw = p.get('Command');
  if (raw === undefined) return 'params.Command: required for Command';
  const cmd = raw.trim().replace(/\s+/g, ' ');
  if (row.tag?.startsWith(CLEANER_TAG) && MEETME_KICK.test(cmd)) return null;
  if (policy.allowedCommands.length === 0) return 'action: Command is not allowed (action_sender.allowed_commands is empty)';
  const ok = policy.allowedCommands.some((prefix) => {
    const p2 = prefix.trim().replace(/\s+/g, ' ');
    return cmd === p2 || cmd.startsWith(`${p2} `);
  });
  return ok ? null : `params.Command: ${JSON.stringify(cmd)} does not start with an allowed command prefix`;
}

/**
 * Decide, without touching the database or the network, whether a claimed row may be sent and
 * what it becomes. Every refusal names the field and the rule (`params.Variable[1]: value
 * contains CR, LF or NUL`).
 */
export function validateRow(row: QueueRow, policy: SenderPolicy): Validation {
  const badTime = checkRowTimes(row); if (badTime !== null) return { ok: false, message: badTime };
  const fail = (message: string): Validation => ({ ok: false, message });
  const isCommand = row.action.toLowerCase() === 'command';
  const action = isCommand ? 'Command' : policy.allowedActions.find((a) => a.toLowerCase() === row.action.toLowerCase());
  if (action === undefined) return fail(`action: ${JSON.stringify(row.action)} is not an allowed action`);

  const parsed = paramsToHeaders(row.params);
  if ('message' in parsed) return fail(parsed.message);
  const view = new ParamView(parsed.headers);

  if (isCommand) {
    const bad = checkCommand(row, view, policy);
    if (bad) return fail(bad);
  }

  const rule: ActionRule = RULES[action.toLowerCase()] ?? { channel: 'optional' };
  if (rule.channel !== 'optional' && view.headers.some(([k]) => k.toLowerCase() === 'channel')) {
    return fail(`params.Channel: give the channel in the channel column`);
  }
  if (rule.channel === 'optional' && row.channel !== null && view.has('Channel')) {
    return fail('params.Channel: also given in the channel column');
  }
  const channel = row.channel !== null && row.channel.trim() !== '' ? row.channel : null;
  if (channel !== null) {
    const bad = checkValue('channel', 'Channel', channel);
    if (bad) return fail(bad);
    if (action.toLowerCase() === 'hangup' && channel.startsWith('/')) return fail('channel: a /regex/ is not allowed (it could hang up many calls)');
  }
  let byCallerid: string | null = null;
  if (rule.channel === 'required' && channel === null) return fail(`channel: required for ${action}`);
  if (rule.channel === 'or-callerid' && channel === null) {
    if (row.callerid === null || row.callerid.trim() === '') return fail(`channel: required for ${action} (or callerid naming an earlier Originate)`);
    byCallerid = row.callerid;
  }
  if (action.toLowerCase() === 'originate' && row.callerid !== null && !CALLERID.test(row.callerid)) {
    return fail('callerid: must be 1..80 characters without " < > \\ CR LF NUL');
  }

  const bad = rule.check?.(view);
  if (bad) return fail(bad);
  const params = [...view.headers, ...(rule.defaults?.(view) ?? [])];
  return { ok: true, plan: { action, params, channel, byCallerid } };
}

import type { ActionContext } from '../action-context.js';
import type { ActionTable } from './action-table.js';
import { channelsConcise, channelsTable } from '../cli/channels.js';
import { meetmeKick, meetmeList } from '../cli/meetme.js';

/** Action: Command, the CLI through AMI (REFERENCE §1.8, §4.2, §4.4). */
export const COMMAND_ACTIONS: ActionTable = {
  Command: { handler: command, write: true },
};

const MEETME_USAGE_14 =
  'Usage: meetme (un)lock|(un)mute|kick|list [concise] <confno> <usernum>\n       Executes a command for the conference or on a conferee\n';

/** A CLI command's text output, and whether the handler succeeded (an unknown command does not). */
export interface CliResult {
  text: string;
  ok: boolean;
}

function command(ctx: ActionContext): void {
  const raw = ctx.get('Command') ?? '';
  if (!raw.trim()) return ctx.error('No command provided');
  reply(ctx, runCli(ctx, raw.trim().split(/\s+/)));
}

function runCli(ctx: ActionContext, words: string[]): CliResult {
  const core = ctx.core;
  const line = words.join(' ').toLowerCase();
  const legacy14 = core.spec.name === 'asterisk-1.4';
  const showChannels = legacy14 ? /^(?:core )?show channels( concise)?$/ : /^core show channels( concise)?$/;
  const m = showChannels.exec(line);
  if (m) return { ok: true, text: m[1] ? channelsConcise(core.pbx) : channelsTable(core.pbx) };
  if (line === 'core show version' || (legacy14 && line === 'show version')) return { ok: true, text: `${core.spec.version}\n` };
  if (words[0]?.toLowerCase() === 'meetme') {
    const sub = words[1]?.toLowerCase();
    // 1.4 lists rooms with a bare `meetme`; its `meetme list` needs a room, else the usage.
    if (legacy14 && sub === undefined) return { ok: true, text: meetmeList(core.pbx, [], true) };
    if (legacy14 && sub === 'list' && words.length < 3) return { ok: false, text: MEETME_USAGE_14 };
    if (sub === 'list') return { ok: true, text: meetmeList(core.pbx, words.slice(2), legacy14) };
    if (sub === 'kick' && words.length >= 4) return { ok: true, text: meetmeKick(core.pbx, words[2]!, words[3]!) };
  }
  const help = legacy14 ? 'help' : 'core show help';
  const cmd = words.join(' ');
  return { ok: false, text: `No such command '${cmd}' (type '${help} ${cmd}' for other possible commands)\n` };
}

/**
 * 14+: `Response: Success|Error` with one `Output:` header per line (one trailing newline trimmed,
 * empty output still one line). Up to 13: `Response: Follows`, the raw text, `--END COMMAND--`.
 */
function reply(ctx: ActionContext, res: CliResult): void {
  if (ctx.core.spec.commandStyle === 'output') {
    const text = res.text.endsWith('\n') ? res.text.slice(0, -1) : res.text;
    ctx.respond(res.ok ? 'Success' : 'Error', [['Message', 'Command output follows'], ...text.split('\n').map((l): [string, string] => ['Output', l])]);
    return;
  }
  const id = ctx.actionId ? `ActionID: ${ctx.actionId}\r\n` : '';
  ctx.sendRaw(`Response: Follows\r\nPrivilege: Command\r\n${id}${res.text}--END COMMAND--\r\n\r\n`);
}

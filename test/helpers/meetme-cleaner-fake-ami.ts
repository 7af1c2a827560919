import { type AmiHeader, AmiMessage } from '../../src/shared/ami/message.js';
import { parseAll } from '../../src/shared/ami/parser.js';
import type { ListingAmi } from '../../src/meetme-cleaner/types.js';
import { readCapture } from './ami-captures.js';

type ListReply = { response: AmiMessage; events: AmiMessage[] };

export const response = (status: string, message: string): AmiMessage =>
  new AmiMessage('response', [
    ['Response', status],
    ['Message', message],
  ]);
export const event = (name: string, fields: Record<string, string>): AmiMessage =>
  new AmiMessage('event', [['Event', name], ...(Object.entries(fields) as AmiHeader[])]);
export const unknownAction = (name: string): ListReply => ({
  response: response('Error', `Invalid/unknown command: ${name}. Use Action: ListCommands to show available commands.`),
  events: [],
});

/** List replies of a capture, by ActionID: the response plus the events carrying that ActionID. */
export function captureReplies(name: string): Map<string, ListReply> {
  const out = new Map<string, ListReply>();
  for (const m of parseAll(readCapture(name))) {
    const id = m.get('ActionID');
    if (id === undefined) continue;
    if (m.kind === 'response') out.set(id, { response: m, events: [] });
    else if (m.kind === 'event') out.get(id)?.events.push(m);
  }
  return out;
}

/**
 * A PBX stand-in answering list actions (keyed `Action` or `Action <Conference>`) and CLI
 * commands from a script; anything unscripted is an unknown action / unknown command.
 */
export class ScriptedAmi implements ListingAmi {
  readonly calls: string[] = [];
  readonly lists = new Map<string, ListReply | Error>();
  readonly commands = new Map<string, string[] | AmiMessage>();

  async sendList(action: string, headers: Record<string, string> = {}): Promise<ListReply> {
    const key = headers['Conference'] !== undefined ? `${action} ${headers['Conference']}` : action;
    this.calls.push(key);
    const r = this.lists.get(key);
    if (r instanceof Error) throw r;
    return r ?? unknownAction(action);
  }

  async command(cmd: string): Promise<{ response: AmiMessage; output: string[] }> {
    this.calls.push(`Command ${cmd}`);
    const r = this.commands.get(cmd);
    if (r === undefined)
      return { response: response('Follows', ''), output: [`No such command '${cmd}' (type 'core show help ${cmd}' for other possible commands)`] };
    if (Array.isArray(r)) return { response: response('Follows', ''), output: r };
    return { response: r, output: [] };
  }
}

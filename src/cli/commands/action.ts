import type { Command } from 'commander';
import { badInput, enqueueAndReport, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { pairsToParams, parsePairs } from '../queue-rows.js';

/**
 * `amiq action <Name> [Key=Value]...`: any allowed action. A single Channel=... goes to the channel
 * column (where Originate/Redirect/Hangup expect it); a repeated key becomes a repeated header.
 */
export function actionInput(name: string, args: readonly string[]): { channel: string | null; params: Record<string, string | string[]> } {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw badInput(`action ${JSON.stringify(name)}: must match [A-Za-z0-9_-]+`);
  const pairs = parsePairs(args, 'argument');
  const channels = pairs.filter(([k]) => k.toLowerCase() === 'channel');
  if (channels.length > 1) throw badInput('Channel given more than once');
  const rest = pairs.filter(([k]) => k.toLowerCase() !== 'channel');
  return { channel: channels[0]?.[1] ?? null, params: pairsToParams(rest) };
}

export function register(program: Command): void {
  queueOptions(program.command('action <name> [pairs...]').description('queue any allowed AMI action, e.g. `amiq action Status Channel=SIP/1-0001`'), {
    wait: true,
  }).action(
    queueAction('action', (ctx, name: string, pairs: string[], o: QueueCommandOptions) =>
      enqueueAndReport(ctx, o, { action: name, ...actionInput(name, pairs) }),
    ),
  );
}

import type { Command } from 'commander';
import { badInput, enqueueAndReport, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';

interface RedirectOptions extends QueueCommandOptions {
  channel?: string;
  callerid?: string;
  exten: string;
  context: string;
  priority?: string;
}

/** Exactly one of --channel / --callerid (a Redirect or Hangup acts on one call). */
export function channelOrCallerid(o: { channel?: string; callerid?: string }): { channel: string | null; callerid: string | null } {
  if ((o.channel === undefined) === (o.callerid === undefined)) throw badInput('give --channel or --callerid (exactly one)');
  return { channel: o.channel ?? null, callerid: o.callerid ?? null };
}

export function register(program: Command): void {
  queueOptions(
    program
      .command('redirect')
      .description('queue a Redirect of a live call to another place in the dialplan')
      .option('--channel <channel>', 'the live channel')
      .option('--callerid <id>', 'the callerid of an earlier Originate: act on its call')
      .requiredOption('--exten <exten>', 'destination extension')
      .requiredOption('--context <context>', 'destination context')
      .option('--priority <priority>', 'destination priority (default 1)'),
    { wait: true },
  ).action(
    queueAction('redirect', (ctx, o: RedirectOptions) =>
      enqueueAndReport(ctx, o, { action: 'Redirect', ...channelOrCallerid(o), params: { Exten: o.exten, Context: o.context, Priority: o.priority ?? '1' } }),
    ),
  );
}

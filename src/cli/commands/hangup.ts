import type { Command } from 'commander';
import { badInput, enqueueAndReport, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { channelOrCallerid } from './redirect.js';

interface HangupOptions extends QueueCommandOptions {
  channel?: string;
  callerid?: string;
  cause?: string;
}

export function register(program: Command): void {
  queueOptions(
    program
      .command('hangup')
      .description('queue a Hangup of a live call')
      .option('--channel <channel>', 'the live channel')
      .option('--callerid <id>', 'the callerid of an earlier Originate: hang up its call')
      .option('--cause <n>', 'hangup cause 0..127 (16 Normal Clearing)'),
    { wait: true },
  ).action(
    queueAction('hangup', (ctx, o: HangupOptions) => {
      if (o.cause !== undefined && !(/^\d+$/.test(o.cause) && Number(o.cause) <= 127)) throw badInput(`--cause ${JSON.stringify(o.cause)}: expected 0..127`);
      return enqueueAndReport(ctx, o, { action: 'Hangup', ...channelOrCallerid(o), params: o.cause !== undefined ? { Cause: o.cause } : {} });
    }),
  );
}

import type { Command } from 'commander';
import { badInput, enqueueAndReport, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { parsePairs } from '../queue-rows.js';

interface OriginateOptions extends QueueCommandOptions {
  channel: string;
  exten?: string;
  context?: string;
  priority?: string;
  app?: string;
  data?: string;
  callerid?: string;
  var: string[];
  timeout?: string;
  tag?: string;
}

/** Params of an Originate from the options: Exten+Context[+Priority] or Application[+Data]. */
export function originateParams(o: Omit<OriginateOptions, 'channel'>): Record<string, string | string[]> {
  if (o.app !== undefined && (o.exten !== undefined || o.context !== undefined)) throw badInput('give --exten/--context or --app, not both');
  if (o.app === undefined && (o.exten === undefined || o.context === undefined)) throw badInput('give --exten and --context, or --app');
  const params: Record<string, string | string[]> =
    o.app !== undefined
      ? { Application: o.app, ...(o.data !== undefined ? { Data: o.data } : {}) }
      : { Exten: o.exten!, Context: o.context!, Priority: o.priority ?? '1' };
  if (o.timeout !== undefined) {
    if (!/^\d+$/.test(o.timeout)) throw badInput(`--timeout ${JSON.stringify(o.timeout)}: expected milliseconds`);
    params.Timeout = o.timeout;
  }
  const vars = parsePairs(o.var, '--var').map(([k, v]) => `${k}=${v}`);
  if (vars.length > 0) params.Variable = vars;
  return params;
}

export function register(program: Command): void {
  queueOptions(
    program
      .command('originate')
      .description('queue an Originate (a call) and optionally follow it')
      .requiredOption('--channel <channel>', 'what to dial, e.g. SIP/100 or Local/100@default')
      .option('--exten <exten>', 'dialplan extension to connect the call to')
      .option('--context <context>', 'dialplan context')
      .option('--priority <priority>', 'dialplan priority (default 1)')
      .option('--app <application>', 'application to run instead of an extension')
      .option('--data <data>', 'application data')
      .option('--callerid <id>', 'correlation key (default: generated, like M2611221200000000001)')
      .option('--var <K=V>', 'channel variable (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--timeout <ms>', 'how long to ring (Originate Timeout)')
      .option('--tag <text>', 'free text kept with the row'),
    { wait: true },
  ).action(
    queueAction('originate', (ctx, o: OriginateOptions) =>
      enqueueAndReport(ctx, o, { action: 'Originate', channel: o.channel, callerid: o.callerid ?? null, tag: o.tag ?? null, params: originateParams(o) }),
    ),
  );
}

import type { Command } from 'commander';
import type { QueueRow } from '../shared/db/schema.js';
import { enqueue, getRow, type EnqueueInput } from '../shared/queue/index.js';
import { checkNewRow, senderPolicy } from '../shared/row-rules/index.js';
import { action, CliError, globalOptions, openContext, type CliContext } from './context.js';
import { EXIT, exitCodeFor, formatRowDetail, formatRowTable, waitForRow } from './queue-rows.js';

/** Options of the queue commands beyond the program's --config/--db/--server. */
export interface QueueCommandOptions {
  json?: boolean;
  wait?: boolean;
  waitTimeout?: string;
}

/** Add --json, and --wait/--wait-timeout for the commands that enqueue. */
export function queueOptions(cmd: Command, opts: { wait?: boolean } = {}): Command {
  cmd.option('--json', 'print JSON');
  if (opts.wait) {
    cmd
      .option('--wait', 'follow the row to a terminal state and print it; exit 0 success, 1 refused or failed, 2 bad input')
      .option('--wait-timeout <ms>', 'give up waiting after this long (default: ttl + response timeout; 60 s more for the call)');
  }
  return cmd;
}

/**
 * The action of a queue command: opens the context with the program's global flags (short
 * commands log warnings only), always closes it; the body's return value is the exit code.
 */
export function queueAction<A extends unknown[]>(name: string, body: (ctx: CliContext, ...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return action(name, async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = await openContext({ ...globalOptions(cmd), logLevel: 'warn' });
    try {
      return await body(ctx, ...args);
    } finally {
      await ctx.close();
    }
  });
}

export function badInput(message: string): CliError {
  return new CliError(message, 2);
}

function print(row: QueueRow, json: boolean | undefined, detail: boolean): void {
  process.stdout.write(`${json ? JSON.stringify(row) : detail ? formatRowDetail(row) : formatRowTable([row])}\n`);
}

/**
 * Enqueue one row after checking it with the sender's own rules (bad input fails here with the
 * same message the row would get as INVALID), then print it, or follow it with --wait.
 */
export async function enqueueAndReport(ctx: CliContext, opts: QueueCommandOptions, input: EnqueueInput): Promise<number> {
  const sender = ctx.config.action_sender;
  const server = ctx.config.server.name;
  const v = checkNewRow({ ...input, server }, senderPolicy(ctx.config, server));
  if (!v.ok) throw badInput(v.message);
  const wait = opts.waitTimeout !== undefined ? Number(opts.waitTimeout) : undefined;
  if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0)) throw badInput(`--wait-timeout ${JSON.stringify(opts.waitTimeout)}: expected milliseconds`);

  const id = await enqueue(ctx.db, { ...input, server });
  if (!opts.wait) {
    print((await getRow(ctx.db, id))!, opts.json, false);
    return EXIT.ok;
  }
  const statusTimeoutMs = wait ?? sender.ttl_seconds * 1000 + sender.response_timeout_ms;
  const { row, timedOut } = await waitForRow(ctx.db, id, { statusTimeoutMs, callTimeoutMs: wait ?? 60_000 });
  print(row, opts.json, true);
  if (timedOut === 'status') {
    process.stderr.write(`amiq: row ${id} still ${row.status} after ${statusTimeoutMs} ms (is the action-sender running?)\n`);
    return EXIT.failed;
  }
  if (timedOut === 'call') process.stderr.write(`amiq: row ${id} accepted; the call has not progressed yet (is the manager-listener running?)\n`);
  return exitCodeFor(row);
}

import type { Command } from 'commander';
import { listRecent } from '../../shared/queue/index.js';
import { badInput, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { EXIT, formatRowTable } from '../queue-rows.js';

interface WatchOptions extends QueueCommandOptions {
  limit: string;
  interval: string;
  once?: boolean;
  local?: boolean;
}

export function register(program: Command): void {
  queueOptions(
    program
      .command('watch')
      .description('live table of the most recent rows (Ctrl-C to stop)')
      .option('--limit <n>', 'rows shown', '20')
      .option('--interval <ms>', 'refresh period', '500')
      .option('--once', 'print the table once and exit (also when stdout is not a terminal)')
      .option('--local', "times in this host's time zone instead of UTC"),
  ).action(
    queueAction('watch', async (ctx, o: WatchOptions) => {
      const limit = Number(o.limit);
      const interval = Number(o.interval);
      if (!Number.isSafeInteger(limit) || limit <= 0) throw badInput(`--limit ${JSON.stringify(o.limit)}: expected a positive integer`);
      if (!Number.isFinite(interval) || interval < 50) throw badInput(`--interval ${JSON.stringify(o.interval)}: expected at least 50 ms`);
      const server = ctx.config.server.name;
      const render = async (): Promise<string> => {
        const rows = await listRecent(ctx.db, { limit, server });
        return o.json ? JSON.stringify(rows) : formatRowTable(rows, { local: o.local ?? false });
      };
      if (o.once || !process.stdout.isTTY) {
        process.stdout.write(`${await render()}\n`);
        return EXIT.ok;
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      while (!stop.signal.aborted) {
        // Clear the screen, home the cursor, redraw.
        process.stdout.write(
          `\x1b[2J\x1b[H${o.local ? new Date().toString() : new Date().toISOString()}  amiq watch, server ${server} (Ctrl-C to stop)\n${await render()}\n`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
      }
      return EXIT.ok;
    }),
  );
}

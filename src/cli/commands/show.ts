import type { Command } from 'commander';
import { getRow } from '../../shared/queue/index.js';
import { badInput, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { EXIT, formatRowDetail, parseId } from '../queue-rows.js';

export function register(program: Command): void {
  queueOptions(program.command('show <id>').description('print one manager_queue row')).action(
    queueAction('show', async (ctx, idText: string, o: QueueCommandOptions) => {
      const id = parseId(idText);
      const row = await getRow(ctx.db, id);
      if (!row) throw badInput(`row ${id} not found`);
      process.stdout.write(`${o.json ? JSON.stringify(row) : formatRowDetail(row)}\n`);
      return EXIT.ok;
    }),
  );
}

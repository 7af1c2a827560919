import type { Command } from 'commander';
import { getRow, listResults } from '../../shared/queue/index.js';
import { formatResults, resultsJson } from '../format-results.js';
import { badInput, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { EXIT, formatRowDetail, parseId } from '../queue-rows.js';

export function register(program: Command): void {
  queueOptions(program.command('show <id>').description("print one manager_queue row, with a list action's items")).action(
    queueAction('show', async (ctx, idText: string, o: QueueCommandOptions) => {
      const id = parseId(idText);
      const row = await getRow(ctx.db, id);
      if (!row) throw badInput(`row ${id} not found`);
      const results = await listResults(ctx.db, id);
      const text = o.json
        ? JSON.stringify({ ...row, results: resultsJson(results) })
        : results.length > 0
          ? `${formatRowDetail(row)}\n${formatResults(results)}`
          : formatRowDetail(row);
      process.stdout.write(`${text}\n`);
      return EXIT.ok;
    }),
  );
}

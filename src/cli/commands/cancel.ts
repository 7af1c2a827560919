import type { Command } from 'commander';
import { cancelRow, getRow } from '../../shared/queue/index.js';
import { badInput, queueAction, queueOptions, type QueueCommandOptions } from '../queue-command.js';
import { EXIT, parseId } from '../queue-rows.js';

export function register(program: Command): void {
  queueOptions(program.command('cancel <id>').description('cancel a row not sent yet (NEW → CANCELLED); exit 1 if it was already taken')).action(
    queueAction('cancel', async (ctx, idText: string, o: QueueCommandOptions) => {
      const id = parseId(idText);
      const done = await cancelRow(ctx.db, id);
      const row = await getRow(ctx.db, id);
      if (!row) throw badInput(`row ${id} not found`);
      if (o.json) process.stdout.write(`${JSON.stringify({ cancelled: done, row })}\n`);
      else process.stdout.write(done ? `row ${id} cancelled\n` : `row ${id} not cancelled: it is ${row.status}, only NEW rows can be\n`);
      return done ? EXIT.ok : EXIT.failed;
    }),
  );
}

import type { Command } from 'commander';
import { action, globalOptions, openContext } from '../context.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(
      action('migrate', async (_flags: unknown, cmd: Command) => {
        const c = await openContext({ ...globalOptions(cmd), logLevel: 'warn', create: true });
        try {
          const what = c.migrated.length > 0 ? `applied ${c.migrated.join(', ')}` : 'already up to date';
          process.stdout.write(`database ${c.dbPath}: ${what}\n`);
        } finally {
          await c.close();
        }
      }),
    );
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { action, CliError, globalOptions, openContext } from '../context.js';

export function register(program: Command): void {
  program
    .command('backup <file>')
    .description('a consistent copy of the database while the workers run (SQLite online backup); never overwrites')
    .action(
      action('backup', async (file: string, _flags: unknown, cmd: Command) => {
        const dest = resolve(file);
        // An existing file may be the last good backup: refuse rather than replace it.
        if (existsSync(dest)) throw new CliError(`<file> ${dest}: exists; name a new file`, 2);
        const c = await openContext({ ...globalOptions(cmd), logLevel: 'warn' });
        try {
          if (c.sqlite === undefined)
            throw new CliError(`backup: the database is ${c.database.engine}; back it up with its own tools (pg_dump, mariadb-dump)`, 2);
          // SQLite's online backup copies page by page and restarts if a writer changes a page meanwhile.
          const { totalPages } = await c.sqlite.backup(dest);
          process.stdout.write(`database ${c.dbPath}: backed up to ${dest} (${totalPages} pages)\n`);
        } finally {
          await c.close();
        }
      }),
    );
}

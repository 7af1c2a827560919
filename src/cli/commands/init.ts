import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exampleConfigToml } from '../../shared/config/index.js';
import { action, globalOptions, openContext } from '../context.js';

/** `amiq init`: config file (if missing) + database + migrations; says what it did. */
export async function init(opts: { config?: string; db?: string; server?: string; cwd?: string }, out: (line: string) => void): Promise<void> {
  const file = resolve(opts.cwd ?? process.cwd(), opts.config ?? (process.env['AMIQ_CONFIG'] || 'amiq.toml'));
  if (existsSync(file)) {
    out(`config ${file}: exists, left as it is`);
  } else {
    // Owner only, whatever the umask: the AMI secret is meant to go here.
    writeFileSync(file, exampleConfigToml(), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    out(`config ${file}: written with every key at its default`);
  }
  const c = await openContext({ ...opts, config: file, logLevel: 'warn', create: true });
  try {
    const applied = c.migrated.length > 0 ? `applied ${c.migrated.join(', ')}` : 'schema up to date';
    out(`database ${c.dbPath}: ${applied}`);
  } finally {
    await c.close();
  }
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write amiq.toml if missing, create the database, apply migrations')
    .action(action('init', async (_flags: unknown, cmd: Command) => init(globalOptions(cmd), (l) => process.stdout.write(l + '\n'))));
}

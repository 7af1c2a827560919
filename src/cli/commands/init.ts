import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { exampleConfigToml } from '../../shared/config/index.js';
import { ClientRoleError, clientRoleScript, clientRoleStatements } from '../../shared/db/client-role.js';
import { parseDatabaseUrl, type Engine } from '../../shared/db/index.js';
import { action, CliError, globalOptions, loadCliConfig, openContext, type GlobalOptions } from '../context.js';

export interface InitOptions extends GlobalOptions {
  cwd?: string;
  /** Also create (or re-grant) this client role; its password from the variable `passwordEnv` names. */
  clientRole?: string;
  passwordEnv?: string;
  env?: NodeJS.ProcessEnv;
}

/** `amiq init`: config file (if missing) + database + migrations; says what it did. */
export async function init(opts: InitOptions, out: (line: string) => void): Promise<void> {
  const password = opts.clientRole === undefined ? undefined : clientRolePassword(opts);
  const file = resolve(opts.cwd ?? process.cwd(), opts.config ?? (process.env['AMIQ_CONFIG'] || 'amiq.toml'));
  if (existsSync(file)) {
    out(`config ${file}: exists, left as it is`);
  } else {
    // Owner only, whatever the umask: the AMI secret is meant to go here.
    writeFileSync(file, exampleConfigToml(), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    out(`config ${file}: written with every key at its default`);
  }
  // A bad role name, or SQLite, is refused before the database is created.
  const statements = opts.clientRole === undefined ? [] : roleStatements(configuredEngine({ ...opts, config: file }), opts.clientRole, password);
  const c = await openContext({ ...opts, config: file, logLevel: 'warn', create: true });
  try {
    const applied = c.migrated.length > 0 ? `applied ${c.migrated.join(', ')}` : 'schema up to date';
    out(`database ${c.dbPath}: ${applied}`);
    if (opts.clientRole !== undefined) {
      for (const statement of statements) await sql.raw(statement).execute(c.db);
      out(`client role ${opts.clientRole}: may insert the client columns, read outcomes and cancel NEW rows`);
    }
  } finally {
    await c.close();
  }
}

function clientRolePassword(opts: InitOptions): string {
  const name = opts.passwordEnv;
  if (name === undefined) throw new CliError('--client-role: needs --password-env VAR naming the environment variable that holds its password', 2);
  const value = (opts.env ?? process.env)[name];
  if (value === undefined || value === '') throw new CliError(`--password-env ${name}: the environment variable is not set or empty`, 2);
  return value;
}

/** Statements to run (comments are for the printed script only); a bad name or SQLite is bad input. */
function roleStatements(engine: Engine, name: string, password?: string): string[] {
  try {
    return clientRoleStatements(engine, name, password).filter((s) => !s.startsWith('--'));
  } catch (err) {
    if (err instanceof ClientRoleError) throw new CliError(err.message, 2);
    throw err;
  }
}

function configuredEngine(opts: InitOptions): Engine {
  const url = loadCliConfig(opts).database.url;
  return url ? parseDatabaseUrl(url).engine : 'sqlite';
}

/** `amiq init --print-client-role NAME`: the SQL for the configured engine, touching nothing. */
export function printClientRole(opts: InitOptions & { name: string }, out: (text: string) => void): void {
  const engine = configuredEngine(opts);
  roleStatements(engine, opts.name);
  out(clientRoleScript(engine, opts.name));
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write amiq.toml if missing, create the database, apply migrations')
    .option('--client-role <name>', 'also create a client role (PostgreSQL, MySQL/MariaDB): insert client columns, read, cancel NEW rows')
    .option('--password-env <var>', "the environment variable holding the client role's password")
    .option('--print-client-role <name>', 'print the SQL that creates the client role, and do nothing else')
    .action(
      action('init', async (flags: { clientRole?: string; passwordEnv?: string; printClientRole?: string }, cmd: Command) => {
        const opts = { ...globalOptions(cmd), clientRole: flags.clientRole, passwordEnv: flags.passwordEnv };
        if (flags.printClientRole !== undefined) return printClientRole({ ...opts, name: flags.printClientRole }, (t) => process.stdout.write(t));
        return init(opts, (l) => process.stdout.write(l + '\n'));
      }),
    );
}

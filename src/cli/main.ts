import { Command, CommanderError } from 'commander';
import { exitCodeFor } from './context.js';
import { register as registerDecode } from './commands/decode.js';
import { register as registerInit } from './commands/init.js';
import { register as registerMigrate } from './commands/migrate.js';
import { register as registerProbe } from './commands/probe.js';
import { register as registerRun } from './commands/run.js';
import { register as registerSimulate } from './commands/simulate.js';

const program = new Command('amiq')
  .description('a queue in front of the Asterisk Manager Interface')
  .option('--config <path>', 'config file (default ./amiq.toml; AMIQ_CONFIG)')
  .option('--db <path>', 'database file (overrides database.path; AMIQ_DB)')
  .option('--server <name>', 'which PBX (overrides server.name)')
  // Bad flags are bad input: exit 2, not commander's 1. Inherited by every subcommand added below.
  .exitOverride()
  .showHelpAfterError('(amiq --help for usage)');

for (const register of [
  registerInit,
  registerMigrate,
  registerRun,
  registerDecode,
  registerProbe,
  registerSimulate,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  process.exitCode = exitCodeFor(err);
}
// Commands have finished (long-running ones await their stop): leave even if a handle lingers.
process.exit(process.exitCode ?? 0);

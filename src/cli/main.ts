import { Command, CommanderError } from 'commander';
import { exitCodeFor } from './context.js';
import { register as registerDecode } from './commands/decode.js';
// Queue commands (sender):
import { register as registerOriginate } from './commands/originate.js';
import { register as registerRedirect } from './commands/redirect.js';
import { register as registerHangup } from './commands/hangup.js';
import { register as registerAction } from './commands/action.js';
import { register as registerShow } from './commands/show.js';
import { register as registerCancel } from './commands/cancel.js';
import { register as registerWatch } from './commands/watch.js';
import { register as registerInit } from './commands/init.js';
import { register as registerKeepalive } from './commands/keepalive.js';
import { register as registerMigrate } from './commands/migrate.js';
import { register as registerProbe } from './commands/probe.js';
import { register as registerRun } from './commands/run.js';
import { register as registerSimulate } from './commands/simulate.js';
import { register as registerStart } from './commands/start.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerStop } from './commands/stop.js';

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
  registerStart,
  registerRun,
  registerKeepalive,
  registerStop,
  registerStatus,
  registerOriginate,
  registerRedirect,
  registerHangup,
  registerAction,
  registerShow,
  registerCancel,
  registerWatch,
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

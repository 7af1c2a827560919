import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from './context.js';
import { examplesText, HELP_EXAMPLES } from './help-examples.js';
import { register as initCommand } from './commands/init.js';
import { register as migrateCommand } from './commands/migrate.js';
import { register as startCommand } from './commands/start.js';
import { register as runCommand } from './commands/run.js';
import { register as keepaliveCommand } from './commands/keepalive.js';
import { register as stopCommand } from './commands/stop.js';
import { register as statusCommand } from './commands/status.js';
import { register as backupCommand } from './commands/backup.js';
import { register as decodeCommand } from './commands/decode.js';
import { register as probeCommand } from './commands/probe.js';
import { register as simulateCommand } from './commands/simulate.js';
import { register as originateCommand } from './commands/originate.js';
import { register as redirectCommand } from './commands/redirect.js';
import { register as hangupCommand } from './commands/hangup.js';
import { register as actionCommand } from './commands/action.js';
import { register as showCommand } from './commands/show.js';
import { register as cancelCommand } from './commands/cancel.js';
import { register as watchCommand } from './commands/watch.js';
import { register as tokenCommand } from './commands/token.js';

// dist/src/cli/main.js → the package root's package.json (shipped in every package).
const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('amiq')
  .description('a queue in front of the Asterisk Manager Interface')
  .version(version, '-V, --version', 'print the version')
  .option('--config <path>', 'config file (default ./amiq.toml; AMIQ_CONFIG)')
  .option('--db <path>', 'database file (overrides database.path; AMIQ_DB)')
  .option('--server <name>', 'which PBX (overrides server.name)')
  .option('--log-format <format>', 'json | pretty (AMIQ_LOG_FORMAT; default pretty on a terminal, JSON otherwise)')
  // Bad flags are bad input: exit 2, not commander's 1. Inherited by every subcommand added below.
  .exitOverride()
  .showHelpAfterError('(amiq --help for usage)');

// One module per command (src/cli/commands/<name>.ts exporting register(program)); add yours here.
for (const register of [
  initCommand,
  migrateCommand,
  startCommand,
  runCommand,
  keepaliveCommand,
  stopCommand,
  statusCommand,
  backupCommand,
  decodeCommand,
  probeCommand,
  simulateCommand,
  originateCommand,
  redirectCommand,
  hangupCommand,
  actionCommand,
  showCommand,
  cancelCommand,
  watchCommand,
  tokenCommand,
]) {
  register(program);
}

for (const cmd of [program, ...program.commands]) {
  const lines = HELP_EXAMPLES[cmd === program ? '' : cmd.name()];
  if (lines) cmd.addHelpText('after', examplesText(lines));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  process.exitCode = exitCodeFor(err);
}
// Commands have finished (long-running ones await their stop): leave even if a handle lingers.
process.exit(process.exitCode ?? 0);

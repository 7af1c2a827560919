import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { exitCodeFor } from './context.js';
import { examplesText, HELP_EXAMPLES } from './help-examples.js';

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
// Each is loaded on its own so one broken module costs only its own command, never the whole CLI.
const COMMANDS = [
  'init',
  'migrate',
  'start',
  'run',
  'keepalive',
  'stop',
  'status',
  'backup',
  'decode',
  'probe',
  'simulate',
  'originate',
  'redirect',
  'hangup',
  'action',
  'show',
  'cancel',
  'watch',
  'token',
];

for (const name of COMMANDS) {
  try {
    const mod = (await import(`./commands/${name}.js`)) as { register(program: Command): void };
    mod.register(program);
  } catch (err) {
    process.stderr.write(`amiq: the ${name} command is unavailable: ${(err as Error).message}\n`);
  }
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

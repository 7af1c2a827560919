import { Command, CommanderError } from 'commander';
import { exitCodeFor } from './context.js';

const program = new Command('amiq')
  .description('a queue in front of the Asterisk Manager Interface')
  .option('--config <path>', 'config file (default ./amiq.toml; AMIQ_CONFIG)')
  .option('--db <path>', 'database file (overrides database.path; AMIQ_DB)')
  .option('--server <name>', 'which PBX (overrides server.name)')
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
];

for (const name of COMMANDS) {
  try {
    const mod = (await import(`./commands/${name}.js`)) as { register(program: Command): void };
    mod.register(program);
  } catch (err) {
    process.stderr.write(`amiq: the ${name} command is unavailable: ${(err as Error).message}\n`);
  }
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  process.exitCode = exitCodeFor(err);
}
// Commands have finished (long-running ones await their stop): leave even if a handle lingers.
process.exit(process.exitCode ?? 0);

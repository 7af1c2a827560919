import type { Command } from 'commander';
import { hashToken, mintToken } from '../../http/auth/tokens.js';
import { action, CliError } from '../context.js';

interface CreateFlags {
  name: string;
  servers?: string;
  actions?: string;
  readOnly?: boolean;
  rate?: string;
  json?: boolean;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** "all", or a comma-separated list as a TOML array. */
function listValue(flag: string, text: string | undefined): string {
  if (text === undefined || text.trim() === 'all') return '"all"';
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new CliError(`${flag}: expected "all" or a comma-separated list, got ${JSON.stringify(text)}`, 2);
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

/** The `[[http.tokens]]` table for amiq.toml: the hash only, never the token. */
export function tokenConfigLines(f: CreateFlags, hash: string): string[] {
  if (!NAME.test(f.name)) throw new CliError(`--name: expected 1..64 characters A-Z a-z 0-9 _ . @ -, got ${JSON.stringify(f.name)}`, 2);
  const rate = f.rate === undefined ? 50 : Number(f.rate);
  if (!Number.isInteger(rate) || rate < 0)
    throw new CliError(`--rate: expected an integer >= 0 (requests per second; 0 = unlimited), got ${JSON.stringify(f.rate)}`, 2);
  return [
    '[[http.tokens]]',
    `name = ${JSON.stringify(f.name)}`,
    `hash = "${hash}"`,
    `servers = ${listValue('--servers', f.servers)}`,
    `actions = ${listValue('--actions', f.actions)}`,
    `read_only = ${f.readOnly === true}`,
    `rate_per_second = ${rate}`,
  ];
}

export function register(program: Command): void {
  const token = program.command('token').description('HTTP API tokens');
  token
    .command('create')
    .description('make a new token: prints it once, and the [[http.tokens]] lines (its hash) for amiq.toml')
    .requiredOption('--name <name>', 'who or what uses it (logs, rate limits)')
    .option('--servers <list>', '"all" or comma-separated server names', 'all')
    .option('--actions <list>', '"all" or comma-separated action names', 'all')
    .option('--read-only', 'may read and wait, never enqueue or cancel')
    .option('--rate <n>', 'requests per second; 0 = unlimited', '50')
    .option('--json', 'print {"token", "hash", "config"}')
    .action(
      action('token create', async (flags: CreateFlags) => {
        const secret = mintToken();
        const hash = hashToken(secret);
        const lines = tokenConfigLines(flags, hash);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ name: flags.name, token: secret, hash, config: lines.join('\n') })}\n`);
          return 0;
        }
        process.stdout.write(
          [
            `token: ${secret}`,
            '(shown once: amiq keeps only its hash; give it to the client as "Authorization: Bearer <token>")',
            '',
            '# add to amiq.toml, then restart the http worker:',
            ...lines,
            '',
          ].join('\n'),
        );
        return 0;
      }),
    );
}

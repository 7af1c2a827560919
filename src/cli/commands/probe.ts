import { InvalidArgumentError, type Command } from 'commander';
import { ProbeTimeoutError } from '../../shared/heartbeat-protocol/errors.js';
import { probe, type ProbeResult } from '../../shared/heartbeat-protocol/probe-client.js';

export interface ProbeCommandOptions {
  port: number;
  replyPort: number;
  timeout: number;
  json?: boolean;
  spanFirst: number;
}

const hexBytes = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** Absolute channel numbers, so `--span-first 32` prints the PBX's own numbering. */
const absolute = (result: ProbeResult, spanFirst: number): number[] => result.channels.map((c) => c + spanFirst - 1);

export function formatProbe(host: string, opts: ProbeCommandOptions, result: ProbeResult): string {
  const channels = absolute(result, opts.spanFirst);
  if (opts.json) {
    return JSON.stringify({
      host,
      port: opts.port,
      from: result.from,
      raw: result.raw.toString('hex'),
      cleanerAlive: result.cleanerAlive,
      channelsUp: channels,
      positions: result.positions,
      reservedBitsSet: result.reservedBitsSet,
    });
  }
  const up = channels.length > 0 ? `${channels.join(', ')} (${channels.length})` : 'none';
  const reserved = result.reservedBitsSet ? '; WARNING: reserved bits set' : '';
  return `${host}:${opts.port}: channels up: ${up}; meetme-cleaner: ${result.cleanerAlive ? 'alive' : 'not running'}; raw ${hexBytes(result.raw)}${reserved}`;
}

/** Exit code 0 with a reply, 1 on timeout or when the reply port cannot be bound. */
export async function runProbe(host: string, opts: ProbeCommandOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  try {
    const result = await probe({ host, port: opts.port, replyPort: opts.replyPort, timeoutMs: opts.timeout });
    out(formatProbe(host, opts, result));
    return 0;
  } catch (e) {
    const error = e as Error;
    if (opts.json && error instanceof ProbeTimeoutError) out(JSON.stringify({ host, port: opts.port, error: 'timeout', timeoutMs: opts.timeout }));
    err(`amiq probe: ${error.message}`);
    return 1;
  }
}

function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${name}: expected an integer ${min}..${max}`);
    return n;
  };
}

export function register(program: Command): void {
  program
    .command('probe <host>')
    .description('ask a heartbeat for its E1 channel bitmap (SPEC §6) and print it')
    .option('--port <port>', 'heartbeat UDP port', intOption('--port', 1, 65535), 5050)
    .option('--reply-port <port>', 'local UDP port the reply comes to', intOption('--reply-port', 0, 65535), 5049)
    .option('--timeout <ms>', 'how long to wait for the reply', intOption('--timeout', 1, 600_000), 2000)
    .option('--span-first <n>', "the span's first channel number, to print absolute channel numbers", intOption('--span-first', 1, 100_000), 1)
    .option('--json', 'one JSON object')
    .action(async (host: string, opts: ProbeCommandOptions) => {
      const code = await runProbe(
        host,
        opts,
        (line) => process.stdout.write(`${line}\n`),
        (line) => process.stderr.write(`${line}\n`),
      );
      process.exitCode = code;
    });
}

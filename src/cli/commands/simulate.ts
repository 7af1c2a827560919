import type { Command } from 'commander';
import { startSimulator } from '../../simulator/index.js';
import { PROFILES } from '../../simulator/profiles.js';
import type { ProfileName } from '../../simulator/types.js';
import { parseHintArgs } from '../../simulator/hints.js';

export interface SimulateFlags {
  port: string;
  host: string;
  profile: string;
  timeScale: string;
  authFailDelay: string;
  authTimeout: string;
  seed: string;
  /** `--hint exten@context=Tech/dev&Custom:name`, repeatable. */
  hint?: string[];
  /** `--endpoint PJSIP/2001`, repeatable: phones registered at start. */
  endpoint?: string[];
}

export interface SimulateIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Aborted: close the simulator and return. */
  signal: AbortSignal;
}

/**
 * Run the simulator until `io.signal` aborts. Returns the exit code: 0 stopped cleanly,
 * 1 could not listen, 2 bad flags.
 */
export async function runSimulate(flags: SimulateFlags, io: SimulateIo): Promise<number> {
  const port = Number(flags.port);
  const timeScale = Number(flags.timeScale);
  const authFailDelayMs = Number(flags.authFailDelay);
  const authTimeoutMs = Number(flags.authTimeout);
  const bad = (msg: string) => {
    io.err(`amiq simulate: ${msg}`);
    return 2;
  };
  if (!Number.isInteger(port) || port < 0 || port > 65535) return bad('--port: expected an integer 0..65535');
  if (!(timeScale > 0)) return bad('--time-scale: expected a number above 0');
  if (!Number.isFinite(authFailDelayMs) || authFailDelayMs < 0) return bad('--auth-fail-delay: expected a number of ms, 0 or more');
  // setTimeout turns anything above 2^31-1 ms into 1 ms.
  if (!(authTimeoutMs > 0 && authTimeoutMs <= 2 ** 31 - 1)) return bad('--auth-timeout: expected a number of ms above 0 (at most 2147483647)');
  if (!Object.hasOwn(PROFILES, flags.profile)) return bad(`--profile: expected one of ${Object.keys(PROFILES).join(', ')}`);
  const seed = parseSeed(flags.seed);
  if (seed === null) return bad('--seed: expected an integer 0..4294967295, random or canonical');
  let hints: Record<string, string>;
  try {
    hints = parseHintArgs(flags.hint ?? []);
  } catch (err) {
    return bad((err as Error).message);
  }
  let sim;
  try {
    sim = await startSimulator({
      host: flags.host,
      port,
      profile: flags.profile as ProfileName,
      timeScale,
      authFailDelayMs,
      authTimeoutMs,
      ...(seed !== undefined ? { seed } : {}),
      hints,
      endpoints: flags.endpoint ?? [],
    });
  } catch (err) {
    // A hint the simulator refuses (malformed device list) is bad input, not a listen failure.
    const msg = (err as Error).message;
    if (msg.startsWith('hints: ')) return bad(`--hint ${msg.slice('hints: '.length)}`);
    if (msg.startsWith('endpoints: ')) return bad(`--endpoint ${msg.slice('endpoints: '.length)}`);
    io.err(`amiq simulate: cannot listen on ${flags.host}:${port}: ${(err as Error).message}`);
    return 1;
  }
  io.out(`amiq simulator (${sim.profile}) listening on ${sim.host}:${sim.port}`);
  io.out(sim.seed === undefined ? 'event order: canonical' : `event order: varied, seed ${sim.seed} (--seed ${sim.seed} replays it)`);
  if (!io.signal.aborted) await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }));
  await sim.close();
  return 0;
}

/** `--seed`: a number, `random` (varied, a seed is drawn), `canonical` (undefined: the fixed order); null when bad. */
function parseSeed(raw: string): number | 'random' | undefined | null {
  if (raw === 'canonical') return undefined;
  if (raw === 'random') return raw;
  const n = Number(raw);
  return /^\d+$/.test(raw) && n < 2 ** 32 ? n : null;
}

/** `amiq simulate`: a simulated PBX on TCP until SIGINT/SIGTERM (SPEC §9, §11). */
export function register(program: Command): void {
  program
    .command('simulate')
    .description('run a simulated Asterisk (AMI on TCP, users amiq/amiq and readonly/readonly) with the default test dialplan')
    .option('--port <n>', 'TCP port (0 = any free port)', '5038')
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--profile <name>', `Asterisk version to behave like: ${Object.keys(PROFILES).join(', ')}`, 'asterisk-22')
    .option('--time-scale <x>', 'multiply every dialplan delay (0.01 = 100 times faster)', '1')
    .option('--auth-fail-delay <ms>', 'pause before "Authentication failed", as Asterisk does', '1000')
    .option('--auth-timeout <ms>', 'close a session not logged in within this time (manager.conf authtimeout; not under asterisk-1.4)', '30000')
    .option(
      '--seed <n|random|canonical>',
      'event order: varied as real Asterisk sends it (per-call races, concurrent calls interleaved), seeded so a run can be replayed; random draws a seed and prints it; canonical: the one fixed order of the captures',
      'random',
    )
    .option(
      '--hint <exten@context=devices>',
      'a dialplan hint, e.g. 100@default=PJSIP/100&Custom:100: ExtensionStatus events when its devices change (repeatable)',
      (value: string, all: string[] = []) => [...all, value],
    )
    .option(
      '--endpoint <Tech/resource>',
      'a phone registered at start, listed NOT_INUSE by DeviceStateList (repeatable)',
      (value: string, all: string[] = []) => [...all, value],
    )
    .action(async (flags: SimulateFlags) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.exitCode = await runSimulate(flags, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        signal: stop.signal,
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
}

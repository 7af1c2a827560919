import type { Command } from 'commander';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { PROFILES } from '../../simulator/profiles.js';
import type { ProfileName } from '../../simulator/types.js';

interface SimulateFlags {
  port: string;
  host: string;
  profile: string;
  timeScale: string;
  authFailDelay: string;
}

/** `amiq simulate`: a simulated PBX on TCP until SIGINT/SIGTERM (SPEC §9, §11). */
export function register(program: Command): void {
  program
    .command('simulate')
    .description('run a simulated Asterisk (AMI on TCP) with the default test dialplan')
    .option('--port <n>', 'TCP port (0 = any free port)', '5038')
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--profile <name>', `Asterisk version to behave like: ${Object.keys(PROFILES).join(', ')}`, 'asterisk-22')
    .option('--time-scale <x>', 'multiply every dialplan delay (0.01 = 100 times faster)', '1')
    .option('--auth-fail-delay <ms>', 'pause before "Authentication failed"', '1000')
    .action(async (flags: SimulateFlags) => {
      const port = Number(flags.port);
      const timeScale = Number(flags.timeScale);
      const authFailDelayMs = Number(flags.authFailDelay);
      const bad = (msg: string) => {
        process.stderr.write(`amiq simulate: ${msg}\n`);
        process.exitCode = 2;
      };
      if (!Number.isInteger(port) || port < 0 || port > 65535) return bad('--port: expected an integer 0..65535');
      if (!(timeScale > 0)) return bad('--time-scale: expected a number above 0');
      if (!Number.isFinite(authFailDelayMs) || authFailDelayMs < 0) return bad('--auth-fail-delay: expected a number of ms');
      if (!Object.hasOwn(PROFILES, flags.profile)) return bad(`--profile: expected one of ${Object.keys(PROFILES).join(', ')}`);
      let sim: Simulator;
      try {
        sim = await startSimulator({ host: flags.host, port, profile: flags.profile as ProfileName, timeScale, authFailDelayMs });
      } catch (err) {
        process.stderr.write(`amiq simulate: cannot listen on ${flags.host}:${port}: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`amiq simulator (${sim.profile}) listening on ${sim.host}:${sim.port}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sim.close();
    });
}

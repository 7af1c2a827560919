import type { Command } from 'commander';
import type { WorkerName } from '../../shared/config/index.js';
import { WorkerAlreadyRunningError } from '../../shared/worker/index.js';
import type { Simulator } from '../../simulator/index.js';
import { endSimulatedCalls } from '../end-simulated-calls.js';
import { action, CliError, globalOptions, openContext, type CliContext } from '../context.js';
import { addDemoHttp, httpUp } from '../demo-http.js';
import { runDemo } from '../demo.js';
import { superviseWorker } from './run.js';

/** How long a stopping demo waits for the listener to end the calls the simulator hung up. */
const END_CALLS_MS = 3000;

async function start(c: CliContext, simulate: boolean, out: (line: string) => void, httpPort?: number): Promise<number> {
  const stop = new AbortController();
  let simulator: Simulator | undefined;
  let dashboard: { url: string } | undefined;
  let ending = false;
  // With a simulator, the first signal ends its calls before stopping the workers; a second one stops at once.
  const onSignal = () => {
    if (!simulator || ending) return stop.abort('signal');
    ending = true;
    out('stopping: the simulated PBX hangs up its calls first, so their rows end ENDED');
    void endSimulatedCalls(simulator, c.db, c.config.server.name, END_CALLS_MS).then(
      (left) => {
        if (left > 0) out(`${left} row(s) still live; the next start's resync ends them`);
        stop.abort('signal');
      },
      (err: unknown) => {
        out(`could not end the simulated calls: ${(err as Error).message}`);
        stop.abort('signal');
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (simulate) {
      const { startSimulator } = await import('../../simulator/index.js');
      simulator = await startSimulator({ port: 0, logger: c.logger.child({ component: 'simulator' }) });
      // The simulator's read-write user (SPEC §11).
      c.config.ami = { ...c.config.ami, host: simulator.host, port: simulator.port, username: 'amiq', secret: 'amiq', users: {} };
      out(`simulated PBX (${simulator.profile}) on ${simulator.host}:${simulator.port}`);
      dashboard = await addDemoHttp(c.config, httpPort);
    }
    const names = c.config.workers.enabled as WorkerName[];
    out(`database ${c.dbPath}; server "${c.config.server.name}"; workers: ${names.join(', ') || '(none enabled)'}; Ctrl-C stops`);
    let failed = 0;
    const runs = names.map((name) =>
      superviseWorker(name, c, { signal: stop.signal }).then(
        () => out(`${name}: stopped`),
        (err: unknown) => {
          failed++;
          const refused = err instanceof WorkerAlreadyRunningError;
          out(`${name}: ${refused ? 'refused' : 'failed'}: ${(err as Error).message}`);
        },
      ),
    );
    if (dashboard !== undefined) {
      const { url } = dashboard;
      void httpUp(url, stop.signal).then((up) => up && out(`dashboard and HTTP API: ${url}  (a token for this run only)`));
    }
    const demo = (simulate ? runDemo({ ...c, simulator, signal: stop.signal, out }) : Promise.resolve()).catch((err: unknown) => {
      c.logger.error({ err }, 'demo failed');
      out(`demo failed: ${(err as Error).message}`);
    });
    await Promise.all(runs);
    stop.abort('workers ended');
    await demo;
    return failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await simulator?.close();
  }
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--http-port: expected a port number 0..65535, got ${JSON.stringify(text)}`, 2);
  return n;
}

export function register(program: Command): void {
  program
    .command('start')
    .description('every enabled worker in one foreground process')
    .option('--simulate', 'also run a simulated PBX and point the workers at it, and serve the dashboard with a token for this run')
    .option('--http-port <port>', "--simulate: the dashboard's port (default [http] port, 8090, or any free one if taken; 0 = any free port)", parsePort)
    .action(
      action('start', async (flags: { simulate?: boolean; httpPort?: number }, cmd: Command) => {
        // --simulate is the demo: info logs (JSON on stdout) would bury its lines; LOG_LEVEL still wins.
        const quiet = flags.simulate === true && !process.env['LOG_LEVEL'];
        // The demo creates its database (`npm install && npm start` on a fresh clone); real workers never do.
        const c = await openContext({ ...globalOptions(cmd), logLevel: quiet ? 'warn' : undefined, create: flags.simulate === true, warnExposedSecret: true });
        const out = (line: string) => process.stdout.write(`amiq: ${line}\n`);
        if (quiet) out('logs: warnings and errors only (LOG_LEVEL=info shows every worker log)');
        try {
          return await start(c, flags.simulate ?? false, out, flags.httpPort);
        } finally {
          await c.close();
        }
      }),
    );
}

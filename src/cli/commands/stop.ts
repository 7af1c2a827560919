import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { AmiqConfig } from '../../shared/config/index.js';
import type { Database, WorkerRow } from '../../shared/db/index.js';
import { listWorkers, pidAlive, readWorker } from '../../shared/worker/index.js';
import { action, globalOptions, openContext } from '../context.js';
import { parseWorkerName } from './run.js';

export interface StopOptions {
  db: Kysely<Database>;
  config: AmiqConfig;
  /** Worker names, or 'all' (every registered worker of this server). */
  which: string[] | 'all';
  /** Longest wait per worker; default drain_seconds + 5 s. */
  timeoutMs?: number;
  out: (line: string) => void;
}

const gone = (row: WorkerRow | undefined, pid: number) =>
  row === undefined || row.pid !== pid || row.state === 'stopped' || row.state === 'crashed' || !pidAlive(pid);

async function waitStopped(db: Kysely<Database>, row: WorkerRow, deadline: number): Promise<boolean> {
  // Another process: nothing to await but its row and its pid, so look every 100 ms, bounded.
  for (;;) {
    if (gone(await readWorker(db, row.server, row.name), row.pid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM to each registered worker of this server on this host; waits a bounded time. Returns the exit code. */
export async function stopWorkers(o: StopOptions): Promise<number> {
  const server = o.config.server.name;
  const host = hostname();
  const rows = await listWorkers(o.db, server);
  const names = o.which === 'all' ? rows.map((r) => r.name) : o.which;
  if (names.length === 0) o.out('no workers registered for this server');
  const timeoutMs = o.timeoutMs ?? (o.config.workers.drain_seconds + 5) * 1000;
  const signalled = new Set<number>();
  let code = 0;
  for (const name of names) {
    const row = rows.find((r) => r.name === name);
    if (row === undefined || row.state === 'stopped' || row.state === 'crashed') {
      o.out(`${name}: not running`);
      continue;
    }
    if (row.host !== host) {
      o.out(`${name}: runs on ${row.host} (pid ${row.pid}); stop it there`);
      code = 1;
      continue;
    }
    if (!pidAlive(row.pid)) {
      o.out(`${name}: not running (pid ${row.pid} is gone)`);
      continue;
    }
    // `amiq start` runs every worker in one process: signal it once.
    if (!signalled.has(row.pid)) {
      process.kill(row.pid, 'SIGTERM');
      signalled.add(row.pid);
    }
    if (await waitStopped(o.db, row, Date.now() + timeoutMs)) {
      o.out(`${name}: stopped (pid ${row.pid})`);
    } else {
      o.out(`${name}: still running ${Math.round(timeoutMs / 1000)}s after SIGTERM (pid ${row.pid})`);
      code = 1;
    }
  }
  return code;
}

export function register(program: Command): void {
  program
    .command('stop [worker]')
    .description('SIGTERM a worker of this server (or all), wait for it to drain, report')
    .action(
      action('stop', async (worker: string | undefined, _flags: unknown, cmd: Command) => {
        const which = worker === undefined || worker === 'all' ? 'all' : [parseWorkerName(worker)];
        const c = await openContext({ ...globalOptions(cmd), logLevel: 'warn' });
        try {
          return await stopWorkers({ db: c.db, config: c.config, which, out: (l) => process.stdout.write(l + '\n') });
        } finally {
          await c.close();
        }
      }),
    );
}

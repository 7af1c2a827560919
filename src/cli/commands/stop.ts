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

/**
 * SIGTERM to each registered worker of this server on this host; waits a bounded time. Returns the
 * exit code: 0 stopped, 1 still running or on another host, 2 refused (a named worker shares its
 * process with workers not named, under `amiq start`).
 */
export async function stopWorkers(o: StopOptions): Promise<number> {
  const server = o.config.server.name;
  const host = hostname();
  const rows = await listWorkers(o.db, server);
  const names = o.which === 'all' ? rows.map((r) => r.name) : o.which;
  if (names.length === 0) o.out('no workers registered for this server');
  const live = rows.filter((r) => r.host === host && r.state !== 'stopped' && r.state !== 'crashed' && pidAlive(r.pid));
  const housemates = (row: WorkerRow) => live.filter((r) => r.pid === row.pid && r.name !== row.name).map((r) => r.name);
  // A SIGTERM stops a process, not a worker: refuse before signalling anything rather than stop more than was asked.
  if (o.which !== 'all') {
    const refusals = names.flatMap((name) => {
      const row = live.find((r) => r.name === name);
      const others = row === undefined ? [] : housemates(row).filter((n) => !names.includes(n));
      if (row === undefined || others.length === 0) return [];
      return [
        `${name}: not stopped: it runs in one process (pid ${row.pid}, \`amiq start\`) with ${others.join(', ')}, and a SIGTERM ` +
          `would stop them all. Run \`amiq stop all\`, or stop that process (Ctrl-C where it runs, or kill -TERM ${row.pid}); ` +
          `to run without ${name}, remove it from workers.enabled and start again`,
      ];
    });
    if (refusals.length > 0) {
      refusals.forEach((line) => o.out(line));
      return 2;
    }
  }
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
    // `amiq start` runs every worker in one process: signal it once, and say so.
    if (!signalled.has(row.pid)) {
      const together = housemates(row);
      if (together.length > 0) o.out(`pid ${row.pid} runs ${[row.name, ...together].join(', ')} in one process: stopping them together`);
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
    .description(
      'SIGTERM a worker of this server (or all), wait for it to drain, report; refuses (exit 2) a worker sharing its `amiq start` process with others',
    )
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

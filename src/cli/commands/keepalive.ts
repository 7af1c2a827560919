import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { resolveConfigPath, type AmiqConfig, type WorkerName } from '../../shared/config/index.js';
import type { Database } from '../../shared/db/index.js';
import { isoNow } from '../../shared/time.js';
import { readWorker, reserveWorker, setReservationPid, takeoverReason } from '../../shared/worker/index.js';
import { action, globalOptions, openContext, type GlobalOptions } from '../context.js';

/** Starts one worker process; returns its pid (undefined if it could not be started). */
export type SpawnWorker = (name: WorkerName, io: { env: NodeJS.ProcessEnv; logFd: number; args: string[] }) => number | undefined;

export interface KeepaliveOptions {
  db: Kysely<Database>;
  config: AmiqConfig;
  /** Global flags handed to each started `amiq run` so it uses this config, database and server. */
  args: string[];
  spawnWorker?: SpawnWorker;
  /** Also report workers that are fine (cron wants silence when nothing was done). */
  verbose?: boolean;
  out: (line: string) => void;
}

export interface KeepaliveResult {
  started: WorkerName[];
  failed: WorkerName[];
}

/** bin/amiq.js, found from this module in src/ (tests) or dist/src/ (installed). */
function binPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'bin', 'amiq.js');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find bin/amiq.js');
    dir = up;
  }
}

const spawnDetached: SpawnWorker = (name, io) => {
  const child = spawn(process.execPath, [binPath(), ...io.args, 'run', name], {
    detached: true, // own process group: survives the cron shell, not killed with keepalive
    stdio: ['ignore', io.logFd, io.logFd],
    env: io.env,
  });
  child.on('error', () => undefined); // reported through the missing pid
  child.unref();
  return child.pid;
};

/**
 * Starts each enabled worker of this server that is not alive, one line per action (SPEC §8).
 * Never a duplicate: a worker is started only after this keepalive won a compare-and-swap
 * reservation of its row, and the started worker itself refuses if another instance is live.
 */
export async function keepalive(o: KeepaliveOptions): Promise<KeepaliveResult> {
  const server = o.config.server.name;
  const me = { server, name: '', pid: process.pid, host: hostname(), started_at: '' };
  const spawnWorker = o.spawnWorker ?? spawnDetached;
  const result: KeepaliveResult = { started: [], failed: [] };
  for (const name of o.config.workers.enabled) {
    const row = await readWorker(o.db, server, name);
    const why = row && takeoverReason(row, { ...me, name }, { nowMs: Date.now(), beatSeconds: o.config.workers.beat_seconds });
    if (row && why === undefined) {
      if (o.verbose) o.out(`${name}: ${row.state === 'starting' ? 'being started' : 'alive'} (pid ${row.pid} on ${row.host})`);
      continue;
    }
    const at = isoNow();
    if (!(await reserveWorker(o.db, { server, name, pid: process.pid, host: me.host, at }, row))) {
      o.out(`${name}: being started by another keepalive`);
      continue;
    }
    mkdirSync(o.config.workers.log_dir, { recursive: true });
    const logFile = join(o.config.workers.log_dir, `${name}.log`);
    const logFd = openSync(logFile, 'a');
    let pid: number | undefined;
    try {
      pid = spawnWorker(name, { env: { ...process.env, AMIQ_RESERVATION: at }, logFd, args: o.args });
    } finally {
      closeSync(logFd);
    }
    if (pid === undefined) {
      result.failed.push(name);
      o.out(`${name}: could not start a process (see ${logFile})`);
      continue;
    }
    await setReservationPid(o.db, server, name, at, pid);
    result.started.push(name);
    o.out(`${name}: started (pid ${pid}; was ${row ? why : 'never started'}), log ${logFile}`);
  }
  return result;
}

/** The flags a started worker needs to find the same config, database and server. */
export function childArgs(g: GlobalOptions, config: AmiqConfig): string[] {
  const file = resolveConfigPath({ path: g.config });
  return [...(file ? ['--config', file] : []), '--db', config.database.path, '--server', config.server.name];
}

export function register(program: Command): void {
  program
    .command('keepalive')
    .description('for cron: start each enabled worker of this server that is not alive (detached, log in workers.log_dir)')
    .option('-v, --verbose', 'also report the workers that are alive')
    .action(
      action('keepalive', async (flags: { verbose?: boolean }, cmd: Command) => {
        const g = globalOptions(cmd);
        const c = await openContext({ ...g, logLevel: 'warn' });
        try {
          const out = (line: string) => process.stdout.write(line + '\n');
          const r = await keepalive({ db: c.db, config: c.config, args: childArgs(g, c.config), verbose: flags.verbose, out });
          return r.failed.length > 0 ? 1 : 0;
        } finally {
          await c.close();
        }
      }),
    );
}

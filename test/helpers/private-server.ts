import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A database server of the test's own, in a temp directory on a free port, that the test may
 * restart (the shared servers of the machine are never touched): PostgreSQL by initdb/pg_ctl,
 * MariaDB by mariadb-install-db/mariadbd. Undefined when the binaries are not installed.
 */
export interface PrivateServer {
  readonly url: string;
  /** Stops the server (connections drop) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
const MARIADB_INSTALL = '/usr/bin/mariadb-install-db';
const MARIADBD = '/usr/sbin/mariadbd';

export const HAS_PRIVATE_POSTGRES = existsSync(join(PG_BIN, 'initdb'));
export const HAS_PRIVATE_MARIADB = existsSync(MARIADB_INSTALL) && existsSync(MARIADBD);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: then its files and processes belong to the postgres user. */
const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];

export async function startPrivatePostgres(): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const port = await freePort();
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asPostgres(join(PG_BIN, cmd), args);
    execFileSync(c, a, { stdio: 'pipe' });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  // fsync off only spares the disk: a stopped server's committed work is in the OS cache. Never
  // synchronous_commit off: a commit the sender was told of would vanish in the restart, and the
  // row, NEW again, would be sent twice (at most once rests on durable commits).
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => run('pg_ctl', ['-D', data, '-o', opts, '-w', '-l', join(dir, 'log'), 'start']);
  start();
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'amiq']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/amiq`,
    restart: async () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      start();
    },
    stop: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function startPrivateMariadb(): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-mariadb-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  execFileSync(MARIADB_INSTALL, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], {
    stdio: 'pipe',
  });
  let proc: ChildProcess | undefined;
  // innodb_flush_log_at_trx_commit=2: each commit reaches the OS at once (a killed server keeps
  // it); 0 would lose the last second of commits, and rows already sent would be sent again.
  const url = `mysql://root@127.0.0.1:${port}/amiq`;
  const start = async (): Promise<void> => {
    proc = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'sock')}`,
        '--innodb-flush-log-at-trx-commit=2',
        ...user,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        execFileSync('mariadb', ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-e', 'SELECT 1'], { stdio: 'pipe' });
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`private MariaDB on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    if (p === undefined || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  execFileSync('mariadb', ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-e', 'CREATE DATABASE amiq'], { stdio: 'pipe' });
  return {
    url,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, exitOf } from './helpers/shared-helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');
const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8);

let dir: string;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exitOf(c);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** `amiq <args>` under a given umask, as an operator's shell would run it. */
const shell = (umask: string, args: string) => `umask ${umask} && exec "${process.execPath}" "${BIN}" ${args}`;

describe('secrets at rest', () => {
  it.each(['000', '022', '077'])('amiq init under umask %s: amiq.toml 600, the database and its -wal/-shm 640', (umask) => {
    dir = mkdtempSync(join(tmpdir(), 'amiq-modes-'));
    const r = spawnSync('sh', ['-c', shell(umask, 'init')], { cwd: dir, encoding: 'utf8', env: { ...process.env, AMIQ_CONFIG: '', AMIQ_DB: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(mode(join(dir, 'amiq.toml'))).toBe('600');
    expect(mode(join(dir, 'amiq.db'))).toBe('640');
    for (const side of ['amiq.db-wal', 'amiq.db-shm']) if (existsSync(join(dir, side))) expect(mode(join(dir, side))).toBe('640');
  });

  it('migrate creates the database 640, the -wal/-shm of a worker follow, and the worker warns that the config holding the secret is readable', async () => {
    dir = mkdtempSync(join(tmpdir(), 'amiq-modes-'));
    const config = join(dir, 'amiq.toml');
    writeFileSync(config, '[database]\npath = "fresh.db"\n[ami]\nport = 9\nsecret = "s3cret-pass"\n[workers]\nbeat_seconds = 0.2\n');
    chmodSync(config, 0o644);
    // Only init and migrate create a database; a worker refuses a missing one.
    const migrate = spawnSync('sh', ['-c', shell('000', 'migrate')], { cwd: dir, encoding: 'utf8', env: { ...process.env, AMIQ_CONFIG: '', AMIQ_DB: '' } });
    expect(migrate.status, migrate.stderr).toBe(0);
    const child = spawn('sh', ['-c', shell('000', 'run action-sender')], {
      cwd: dir,
      env: { ...process.env, AMIQ_CONFIG: '', AMIQ_DB: '', LOG_LEVEL: 'info' },
    });
    children.push(child);
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    await eventually(() => (log.includes('worker registered') ? true : undefined));
    const warning = log.split('\n').find((l) => l.includes('readable by group or others'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 40, file: config, mode: '644' });
    for (const f of ['fresh.db', 'fresh.db-wal', 'fresh.db-shm']) expect(mode(join(dir, f)), f).toBe('640');
    child.kill('SIGTERM');
    await exitOf(child);
    expect(log + readFileSync(config, 'utf8').replace('s3cret-pass', '')).not.toContain('s3cret-pass');
  });

  it('no warning when the config file is owner-only, or holds no secret', async () => {
    dir = mkdtempSync(join(tmpdir(), 'amiq-modes-'));
    const cases: Array<[string, number]> = [
      ['[ami]\nport = 9\nsecret = "s3cret-pass"\n', 0o600],
      ['[ami]\nport = 9\n', 0o644],
    ];
    for (const [text, m] of cases) {
      const config = join(dir, 'amiq.toml');
      writeFileSync(config, `[database]\npath = "quiet.db"\n[workers]\nbeat_seconds = 0.2\n${text}`);
      chmodSync(config, m);
      expect(spawnSync(process.execPath, [BIN, 'migrate'], { cwd: dir, env: { ...process.env, AMIQ_CONFIG: '', AMIQ_DB: '' } }).status).toBe(0);
      const child = spawn(process.execPath, [BIN, 'run', 'action-sender'], {
        cwd: dir,
        env: { ...process.env, AMIQ_CONFIG: '', AMIQ_DB: '', LOG_LEVEL: 'info' },
      });
      children.push(child);
      let log = '';
      child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
      await eventually(() => (log.includes('worker registered') ? true : undefined));
      child.kill('SIGTERM');
      await exitOf(child);
      expect(log).not.toMatch(/readable by group or others/);
    }
  });
});

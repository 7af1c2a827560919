import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pidAlive, readWorker } from '../src/shared/worker/index.js';
import { eventually, exitOf, killChildren, spawnFixture, tempDb, waitForLine, type TempDb } from './helpers/shared-helpers.js';

// Spawns the built CLI (npm test builds first; alone: npx tsc -p tsconfig.build.json).
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'amiq.js');
let t: TempDb;
const children: ChildProcess[] = [];
beforeEach(async () => {
  t = await tempDb('amiq-ops-');
});
afterEach(async () => {
  await killChildren(children);
  await t.cleanup();
});

// Several CLI spawns per test: on a loaded two-core machine each may take seconds.
const SPAWNS = { timeout: 90_000 };

function amiq(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env = { ...process.env, ...opts.env };
  for (const k of ['AMIQ_CONFIG', 'AMIQ_DB', 'AMIQ_LOG_FORMAT']) if (opts.env?.[k] === undefined) delete env[k];
  return spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? t.dir, encoding: 'utf8', env });
}

describe('no stray databases', SPAWNS, () => {
  it('status, originate and run name the missing database and exit 2 without creating it', () => {
    const missing = join(t.dir, 'elsewhere', 'amiq.db');
    for (const args of [['status'], ['originate', '--channel', 'PJSIP/1', '--exten', '1', '--context', 'x'], ['run', 'action-sender'], ['keepalive']]) {
      const r = amiq(['--db', missing, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`database ${missing}: not found`);
      expect(r.stderr).toContain('amiq init');
    }
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(t.dir, 'elsewhere'))).toBe(false);
  });

  it('a database that exists but is not migrated: exit 2, run `amiq migrate`; migrate then makes it usable', () => {
    const empty = join(t.dir, 'empty.db');
    new BetterSqlite3(empty).close();
    const r = amiq(['--db', empty, 'show', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`database ${empty}: not migrated`);
    expect(r.stderr).toContain('run `amiq migrate`');
    expect(amiq(['--db', empty, 'migrate']).status).toBe(0);
    expect(amiq(['--db', empty, 'show', '1']).stderr).toContain('row 1 not found');
  });
});

describe('amiq status exit code', SPAWNS, () => {
  // A long beat_seconds for the row written by hand: its beat stays fresh however slow the CLI starts.
  const cfg = (beatSeconds = 2) => {
    const file = join(t.dir, 'status.toml');
    writeFileSync(file, `[database]\npath = "${t.path}"\n[workers]\nenabled = ["heartbeat"]\nbeat_seconds = ${beatSeconds}\n`);
    return file;
  };

  it('0 when every enabled worker is alive and connected, 3 once one is down; --json keeps its shape', async () => {
    const file = cfg();
    const child = spawnFixture(t.path, 'heartbeat'); // registers, sets AMI connected, beats
    children.push(child);
    await waitForLine(child, /^ready /);
    const ok = amiq(['--config', file, 'status']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('health: OK');
    const okJson = amiq(['--config', file, 'status', '--json']);
    expect(okJson.status).toBe(0);
    expect(Object.keys(JSON.parse(okJson.stdout))).toEqual(['server', 'database', 'workers', 'queue', 'oldest_new']);

    child.kill('SIGTERM');
    await exitOf(child);
    const down = amiq(['--config', file, 'status']);
    expect(down.status).toBe(3);
    expect(down.stdout).toContain('health: NOT OK (exit 3): heartbeat down');
    expect(amiq(['--config', file, 'status', '--json']).status).toBe(3);
  });

  it('3 when a worker is alive but its AMI is not connected', async () => {
    await t.db
      .insertInto('workers')
      .values({
        server: 'default',
        name: 'heartbeat',
        pid: process.pid,
        host: 'h',
        started_at: new Date().toISOString(),
        beat_at: new Date().toISOString(),
        state: 'running',
        ami_state: 'disconnected',
        counters: '{}',
      })
      .execute();
    const r = amiq(['--config', cfg(60), 'status']);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('heartbeat AMI disconnected');
  });
});

describe('amiq stop under `amiq start`', () => {
  it('refuses to stop one worker of a shared process (exit 2, nothing stopped); stop all says what it stops', async () => {
    const cfg = join(t.dir, 'start.toml');
    // AMI unreachable (port 9): the workers stay up, reconnecting, and beat.
    writeFileSync(cfg, `[database]\npath = "${t.path}"\n[ami]\nport = 9\n[workers]\nenabled = ["action-sender", "meetme-cleaner"]\nbeat_seconds = 0.2\n`);
    const start = spawn(process.execPath, [BIN, '--config', cfg, 'start'], {
      cwd: t.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    children.push(start);
    const running = async (name: string) => ((await readWorker(t.db, 'default', name))?.state === 'running' ? true : undefined);
    await eventually(() => running('action-sender'));
    await eventually(() => running('meetme-cleaner'));

    const one = amiq(['--config', cfg, 'stop', 'meetme-cleaner']);
    expect(one.status).toBe(2);
    expect(one.stdout).toContain(`meetme-cleaner: not stopped: it runs in one process (pid ${start.pid}, \`amiq start\`) with action-sender`);
    expect(one.stdout).toContain('amiq stop all');
    expect(pidAlive(start.pid!)).toBe(true);
    expect((await readWorker(t.db, 'default', 'action-sender'))?.state).toBe('running');
    expect((await readWorker(t.db, 'default', 'meetme-cleaner'))?.state).toBe('running');

    const all = amiq(['--config', cfg, 'stop', 'all']);
    expect(all.status).toBe(0);
    expect(all.stdout.split('\n').filter(Boolean)).toEqual([
      `pid ${start.pid} runs action-sender, meetme-cleaner in one process: stopping them together`,
      `action-sender: stopped (pid ${start.pid})`,
      `meetme-cleaner: stopped (pid ${start.pid})`,
    ]);
    expect(await exitOf(start)).toBe(0);
  });
});

describe('configuration checked at once and wholly', () => {
  it('lists every error of the file in one run, CIDRs included, exit 2', () => {
    const cfg = join(t.dir, 'bad.toml');
    writeFileSync(cfg, '[ami]\nport = 0\n[heartbeat]\nallow = ["10.0.0.0/33", "not-a-net"]\n[workers]\nenabeld = []\n');
    const r = amiq(['--config', cfg, '--db', t.path, 'status']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`4 problems in ${cfg}`);
    expect(r.stderr).toContain('ami.port: expected an integer 1..65535, got 0');
    expect(r.stderr).toContain('heartbeat.allow[0]: expected a prefix length 0..32, got "10.0.0.0/33"');
    expect(r.stderr).toContain('heartbeat.allow[1]: expected a network like "127.0.0.0/8", got "not-a-net"');
    expect(r.stderr).toContain('workers.enabeld: unknown key (a typo?)');
  });

  it('warns about allowed_actions Asterisk does not have, naming them, and goes on', () => {
    const cfg = join(t.dir, 'typo.toml');
    writeFileSync(cfg, '[action_sender]\nallowed_actions = ["Originate", "Orginate", "hangup", "MyModuleAction"]\n');
    const r = amiq(['--config', cfg, '--db', t.path, 'migrate']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('amiq: warning: action_sender.allowed_actions: "Orginate", "MyModuleAction" are not Asterisk actions amiq knows');
  });
});

describe('amiq backup', () => {
  it('copies the live database, rows still in the WAL included, and never overwrites a file', async () => {
    await t.db.insertInto('manager_queue').values({ action: 'Ping', server: 'default' }).execute(); // t.db keeps the WAL open
    const copy = join(t.dir, 'copy.db');
    const r = amiq(['--db', t.path, 'backup', copy]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`backed up to ${copy} \\(\\d+ pages\\)`));
    const c = new BetterSqlite3(copy, { readonly: true });
    expect(c.prepare('SELECT action FROM manager_queue').all()).toEqual([{ action: 'Ping' }]);
    c.close();
    const again = amiq(['--db', t.path, 'backup', copy]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists');
  });
});

describe('command line', SPAWNS, () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = amiq(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('--help of each command ends with examples', () => {
    for (const cmd of ['originate', 'status', 'watch']) {
      const r = amiq([cmd, '--help']);
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`\\nExamples:\\n  \\$ amiq ${cmd}\\b`));
    }
  });

  it('--log-format / AMIQ_LOG_FORMAT: a bad value is exit 2 naming the flag', () => {
    const r = amiq(['--db', t.path, '--log-format', 'fancy', 'status']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--log-format (or AMIQ_LOG_FORMAT): expected one of json, pretty, got "fancy"');
    expect(amiq(['--db', t.path, 'status'], { env: { AMIQ_LOG_FORMAT: 'yaml' } }).status).toBe(2);
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepalive, type SpawnWorker } from '../src/cli/commands/keepalive.js';
import { collectStatus, formatStatus } from '../src/cli/commands/status.js';
import { stopWorkers } from '../src/cli/commands/stop.js';
import { parseConfig, type AmiqConfig } from '../src/shared/config/index.js';
import { openSqlite } from '../src/shared/db/index.js';
import { isoNow } from '../src/shared/time.js';
import { pidAlive, readWorker, registerWorker } from '../src/shared/worker/index.js';
import { eventually, exitOf, killChildren, FIXTURE_WORKER, tempDb, waitForLine, type TempDb } from './helpers/shared-helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');
let t: TempDb;
const children: ChildProcess[] = [];
beforeEach(async () => {
  t = await tempDb('amiq-cli-');
});
afterEach(async () => {
  await killChildren(children);
  await t.cleanup();
});

function config(over: Record<string, unknown> = {}): AmiqConfig {
  return parseConfig({
    database: { path: t.path },
    workers: { enabled: ['action-sender', 'heartbeat'], beat_seconds: 0.2, log_dir: join(t.dir, 'logs'), drain_seconds: 5 },
    ...over,
  });
}

/** Starts the fixture worker instead of `amiq run`, exactly as keepalive would (reservation env, log fd). */
const spawnFixture: SpawnWorker = (name, io) => {
  const child = spawn(process.execPath, [FIXTURE_WORKER, t.path, name], { stdio: ['ignore', io.logFd, io.logFd], env: io.env });
  children.push(child);
  return child.pid;
};

const runningPid = (name: string) =>
  eventually(async () => {
    const row = await readWorker(t.db, 'default', name);
    return row?.state === 'running' ? row.pid : undefined;
  });

describe('amiq keepalive', () => {
  it('two keepalives at once start one instance of each worker; a killed worker is restarted once', async () => {
    const second = openSqlite(t.path); // another connection, as another keepalive process would have
    const linesA: string[] = [];
    const linesB: string[] = [];
    const cfg = config();
    const [a, b] = await Promise.all([
      keepalive({ db: t.db, config: cfg, args: [], spawnWorker: spawnFixture, out: (l) => linesA.push(l) }),
      keepalive({ db: second.db, config: cfg, args: [], spawnWorker: spawnFixture, out: (l) => linesB.push(l) }),
    ]);
    expect([...a.started, ...b.started].sort()).toEqual(['action-sender', 'heartbeat']);
    expect(children).toHaveLength(2);
    const all = [...linesA, ...linesB];
    expect(all.filter((l) => / started \(pid \d+; was never started\), log .*\.log$/.test(l))).toHaveLength(2);
    // The loser of a race either lost the reservation (and says so) or already saw it taken (silent).
    expect(all.every((l) => / started \(pid /.test(l) || l.endsWith(': being started by another keepalive'))).toBe(true);

    const senderPid = await runningPid('action-sender');
    const heartbeatPid = await runningPid('heartbeat');
    expect(children.map((c) => c.pid).sort()).toEqual([senderPid, heartbeatPid].sort());
    // The worker is registered running before it prints `ready`: wait for the line, not just the row.
    const senderLog = join(t.dir, 'logs', 'action-sender.log');
    expect(await eventually(() => (readFileSync(senderLog, 'utf8').includes(`ready ${senderPid}`) ? true : undefined))).toBe(true);

    // Everything alive: nothing to do, nothing said (cron mails any output).
    const quiet: string[] = [];
    expect((await keepalive({ db: t.db, config: cfg, args: [], spawnWorker: spawnFixture, out: (l) => quiet.push(l) })).started).toEqual([]);
    expect(quiet).toEqual([]);

    const killed = children.find((c) => c.pid === senderPid)!;
    killed.kill('SIGKILL');
    await exitOf(killed);
    const again: string[] = [];
    const r = await keepalive({ db: second.db, config: cfg, args: [], spawnWorker: spawnFixture, out: (l) => again.push(l) });
    expect(r.started).toEqual(['action-sender']);
    expect(again).toEqual([expect.stringMatching(/^action-sender: started \(pid \d+; was pid gone\)/)]);
    expect(await runningPid('action-sender')).toBe(children[2]!.pid);
    await second.close();
  });
});

describe('amiq stop', () => {
  it('SIGTERMs a worker on this host, waits for its drain, and reports', async () => {
    const cfg = config({ workers: { enabled: ['heartbeat'], beat_seconds: 0.2, log_dir: join(t.dir, 'logs') } });
    await keepalive({ db: t.db, config: cfg, args: [], spawnWorker: spawnFixture, out: () => {} });
    const pid = await runningPid('heartbeat');
    const lines: string[] = [];
    expect(await stopWorkers({ db: t.db, config: cfg, which: ['heartbeat', 'action-sender'], out: (l) => lines.push(l) })).toBe(0);
    expect(lines).toEqual([`heartbeat: stopped (pid ${pid})`, 'action-sender: not running']);
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({ state: 'stopped', counters: '{"drained":1}' });
    expect(await exitOf(children[0]!)).toBe(0);
  });

  it('refuses to signal a worker registered on another host', async () => {
    const id = { server: 'default', name: 'heartbeat', pid: 4242, host: 'other-host', started_at: isoNow() };
    await registerWorker(t.db, id, { nowMs: Date.now(), beatSeconds: 2 });
    const lines: string[] = [];
    expect(await stopWorkers({ db: t.db, config: config(), which: 'all', out: (l) => lines.push(l) })).toBe(1);
    expect(lines).toEqual(['heartbeat: runs on other-host (pid 4242); stop it there']);
  });
});

describe('amiq status', () => {
  it('reports alive, dead and never-started workers, queue counts and the oldest NEW row', async () => {
    const cfg = config({ workers: { enabled: ['action-sender', 'heartbeat', 'meetme-cleaner'], beat_seconds: 2 } });
    const now = Date.now();
    await registerWorker(
      t.db,
      { server: 'default', name: 'action-sender', pid: process.pid, host: hostname(), started_at: isoNow(now - 90_000) },
      { nowMs: now, beatSeconds: 2 },
    );
    await t.db
      .updateTable('workers')
      .set({ beat_at: isoNow(now - 1000), ami_state: 'connected', counters: '{"sent":5}' })
      .execute();
    await registerWorker(
      t.db,
      { server: 'default', name: 'heartbeat', pid: 1, host: 'pbx1', started_at: isoNow(now - 60_000) },
      { nowMs: now, beatSeconds: 2 },
    );
    await t.db
      .updateTable('workers')
      .set({ beat_at: isoNow(now - 30_000), last_error: 'ECONNREFUSED' })
      .where('name', '=', 'heartbeat')
      .execute();
    await t.db
      .insertInto('manager_queue')
      .values([
        { action: 'Originate', server: 'default', status: 'SUCCESS' },
        { action: 'Originate', server: 'default', status: 'NEW' },
        { action: 'Hangup', server: 'default', status: 'NEW' },
        { action: 'Ping', server: 'pbx2', status: 'LOST' },
      ])
      .execute();

    const r = await collectStatus(t.db, cfg, t.path, now);
    expect(r.workers.map((w) => [w.name, w.alive, w.state])).toEqual([
      ['action-sender', true, 'running'],
      ['heartbeat', false, 'running (no beat: dead)'],
      ['meetme-cleaner', false, 'never started'],
    ]);
    expect(r.workers[0]).toMatchObject({ pid: process.pid, uptime_seconds: 90, ami_state: 'connected', counters: { sent: 5 } });
    expect(r.workers[1]).toMatchObject({ last_error: 'ECONNREFUSED', beat_age_seconds: 30, uptime_seconds: null });
    expect(r.queue).toEqual({ default: { NEW: 2, SUCCESS: 1 }, pbx2: { LOST: 1 } });
    expect(r.oldest_new?.id).toBe(2);

    const text = formatStatus(r);
    expect(text).toContain(`ALIVE default  action-sender: running pid ${process.pid} on ${hostname()}, up 90s, AMI connected`);
    expect(text).toContain('DOWN  default  heartbeat: running (no beat: dead) pid 1 on pbx1, last beat 30s ago, last error: ECONNREFUSED');
    expect(text).toContain('DOWN  default  meetme-cleaner: never started');
    expect(text).toContain('default: NEW 2, SUCCESS 1');
    expect(text).toMatch(/oldest NEW row: #2, waiting \d+s/);
  });

  it("shows every server's workers in a server column, or one server's with --server", async () => {
    const cfg = config({ workers: { enabled: ['action-sender'], beat_seconds: 2 } });
    const now = Date.now();
    for (const server of ['default', 'pbx2']) {
      await registerWorker(
        t.db,
        { server, name: 'action-sender', pid: 7, host: `host-${server}`, started_at: isoNow(now - 10_000) },
        { nowMs: now, beatSeconds: 2 },
      );
    }
    await t.db
      .updateTable('workers')
      .set({ beat_at: isoNow(now - 1000) })
      .execute();
    await t.db
      .insertInto('manager_queue')
      .values([
        { action: 'Ping', server: 'default', status: 'NEW' },
        { action: 'Ping', server: 'pbx2', status: 'NEW' },
      ])
      .execute();

    const all = await collectStatus(t.db, cfg, t.path, now);
    expect(all.workers.map((w) => [w.server, w.name, w.host, w.alive])).toEqual([
      ['default', 'action-sender', 'host-default', true],
      ['pbx2', 'action-sender', 'host-pbx2', true],
    ]);
    const text = formatStatus(all);
    expect(text).toContain('ALIVE default  action-sender: running pid 7 on host-default');
    expect(text).toContain('ALIVE pbx2     action-sender: running pid 7 on host-pbx2');

    const one = await collectStatus(t.db, cfg, t.path, now, 'pbx2');
    expect(one.workers.map((w) => [w.server, w.name])).toEqual([['pbx2', 'action-sender']]);
    expect(one.queue).toEqual({ pbx2: { NEW: 1 } });
    expect(one.oldest_new?.id).toBe(2);
  });
});

describe('the amiq binary (needs npm run build)', () => {
  const amiq = (args: string[], cwd = t.dir) => {
    const env = { ...process.env };
    delete env['AMIQ_CONFIG'];
    delete env['AMIQ_DB'];
    return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  };

  it('init writes amiq.toml and the database, then status --json reads them', () => {
    const init = amiq(['init']);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(`config ${join(t.dir, 'amiq.toml')}: written with every key at its default`);
    expect(init.stdout).toMatch(/database .*amiq\.db: (applied 0001-initial|schema up to date)/);
    expect(existsSync(join(t.dir, 'amiq.toml'))).toBe(true);
    const status = amiq(['status', '--json']);
    expect(status.status).toBe(3); // enabled workers never started: not healthy
    const report = JSON.parse(status.stdout);
    expect(report.workers.map((w: { state: string }) => w.state)).toEqual(['never started', 'never started', 'never started', 'never started']);
  });

  it('three processes migrating one fresh database at once: one applies, the others find it done', async () => {
    const fresh = join(t.dir, 'fresh', 'amiq.db');
    const runs = [0, 1, 2].map(() => {
      const child = spawn(process.execPath, [BIN, '--db', fresh, 'migrate'], { cwd: t.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      return exitOf(child).then((code) => ({ code, out }));
    });
    const results = await Promise.all(runs);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(results.filter((r) => r.out.includes('applied 0001-initial'))).toHaveLength(1);
    expect(results.filter((r) => r.out.includes('already up to date'))).toHaveLength(2);
  });

  it('start --simulate creates the database, connects every enabled worker to the simulator, stops on SIGINT', async () => {
    writeFileSync(join(t.dir, 'start.toml'), '[workers]\nenabled = ["action-sender", "manager-listener", "meetme-cleaner"]\nbeat_seconds = 0.2\n');
    const dbPath = join(t.dir, 'new', 'start.db');
    const child = spawn(process.execPath, [BIN, '--config', 'start.toml', '--db', dbPath, 'start', '--simulate'], {
      cwd: t.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    children.push(child);
    expect(await waitForLine(child, /^amiq: simulated PBX/)).toMatch(/on 127\.0\.0\.1:\d+$/);
    const h = await eventually(() => (existsSync(dbPath) ? openSqlite(dbPath) : undefined));
    try {
      const connected = () => h.db.selectFrom('workers').selectAll().where('ami_state', '=', 'connected').execute();
      await eventually(async () => ((await connected()).length === 3 ? true : undefined));
      child.kill('SIGINT');
      expect(await exitOf(child)).toBe(0);
      const rows = await h.db.selectFrom('workers').select(['name', 'state']).orderBy('name').execute();
      // --simulate adds the http worker (the dashboard) to the enabled ones.
      expect(rows).toEqual(['action-sender', 'http', 'manager-listener', 'meetme-cleaner'].map((name) => ({ name, state: 'stopped' })));
    } finally {
      await h.close();
    }
  });

  it('keepalive twice at once starts one detached `amiq run`, with its log; stop ends it', async () => {
    const cfg = join(t.dir, 'ka.toml');
    // AMI unreachable (port 9 discards): the worker stays up, reconnecting, and beats.
    writeFileSync(cfg, `[database]\npath = "ka.db"\n[ami]\nport = 9\n[workers]\nenabled = ["meetme-cleaner"]\nbeat_seconds = 0.5\n`);
    expect(amiq(['--config', cfg, 'init']).status).toBe(0); // only init/migrate create a database
    const both = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<string>((resolve) => {
            const child = spawn(process.execPath, [BIN, '--config', cfg, 'keepalive'], { cwd: t.dir, stdio: ['ignore', 'pipe', 'inherit'] });
            let out = '';
            child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
            child.once('exit', () => resolve(out));
          }),
      ),
    );
    const started = both
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('meetme-cleaner: started'));
    expect(started).toHaveLength(1);
    const pid = Number(/pid (\d+)/.exec(started[0]!)![1]);
    const h = openSqlite(join(t.dir, 'ka.db'));
    try {
      await eventually(async () => ((await readWorker(h.db, 'default', 'meetme-cleaner'))?.state === 'running' ? true : undefined));
      expect((await readWorker(h.db, 'default', 'meetme-cleaner'))?.pid).toBe(pid);
      const stop = amiq(['--config', cfg, 'stop', 'all']);
      expect(stop.stdout).toBe(`meetme-cleaner: stopped (pid ${pid})\n`);
      expect(stop.status).toBe(0);
      expect((await readWorker(h.db, 'default', 'meetme-cleaner'))?.state).toBe('stopped');
      expect(readFileSync(join(t.dir, 'logs', 'meetme-cleaner.log'), 'utf8')).toContain('worker registered');
    } finally {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      await h.close();
    }
  });

  it('bad config, bad flags and unknown workers exit 2 naming the key or flag', () => {
    writeFileSync(join(t.dir, 'bad.toml'), '[action_sender]\nrate_per_second = "fast"\n');
    const bad = amiq(['--config', 'bad.toml', 'status']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ConfigError: action_sender.rate_per_second: expected a number >= 0, got "fast"');
    const flag = amiq(['status', '--bogus']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    const worker = amiq(['run', 'sender']);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toContain('<worker>: expected one of action-sender, manager-listener, heartbeat, meetme-cleaner, http, device-relay, got "sender"');
    const wrongFlag = amiq(['run', 'action-sender', '--dry-run']);
    expect(wrongFlag.status).toBe(2);
    expect(wrongFlag.stderr).toContain('--dry-run: not an option of action-sender');
  });
});

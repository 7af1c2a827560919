import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort } from './helpers/free-udp-port.js';
import { parse as parseToml } from 'smol-toml';
import { amiUserFor, ConfigError, defaultConfig, loadConfig, parseConfig } from '../src/shared/config/index.js';
import { exampleConfigToml } from '../src/shared/config/example.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'amiq.js');
const SECRETS = { sender: 's3cret-sender-1', listener: 's3cret-listener-2', heartbeat: 's3cret-heartbeat-3', cleaner: 's3cret-cleaner-4' };

describe('[ami.users.<worker>]: the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-users-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (toml: string, env: NodeJS.ProcessEnv = {}) => {
    writeFileSync(join(dir, 'amiq.toml'), toml);
    return loadConfig({ path: join(dir, 'amiq.toml'), env });
  };

  it('a worker with its own user logs in as it; the others as [ami]; AMIQ_AMI_SECRET_<WORKER> overrides its secret', () => {
    const c = load(
      [
        '[ami]',
        'username = "amiq"',
        'secret = "main"',
        '[ami.users.manager-listener]',
        'username = "amiq-listener"',
        'secret = "in-file"',
        '[ami.users.heartbeat]',
        'username = "amiq-heartbeat"',
        '',
      ].join('\n'),
      { AMIQ_AMI_SECRET_MANAGER_LISTENER: 'from-env', AMIQ_AMI_SECRET_HEARTBEAT: 'hb-env' },
    );
    expect(amiUserFor(c.ami, 'manager-listener')).toEqual({ username: 'amiq-listener', secret: 'from-env' });
    expect(amiUserFor(c.ami, 'heartbeat')).toEqual({ username: 'amiq-heartbeat', secret: 'hb-env' });
    expect(amiUserFor(c.ami, 'action-sender')).toEqual({ username: 'amiq', secret: 'main' });
    expect(amiUserFor(defaultConfig().ami, 'meetme-cleaner')).toEqual({ username: 'amiq', secret: '' });
  });

  it('the example amiq.toml shows a worker user that works once uncommented', () => {
    const lines = exampleConfigToml().split('\n');
    const at = lines.indexOf('# [ami.users.manager-listener]');
    expect(at).toBeGreaterThan(0);
    for (let i = at; i < at + 3; i++) lines[i] = lines[i]!.replace(/^# /, '');
    const c = parseConfig(parseToml(lines.join('\n')));
    expect(amiUserFor(c.ami, 'manager-listener')).toEqual({ username: 'amiq-listener', secret: '' });
  });

  it('an unknown worker, a user without username, a secret with no user: each named, secrets never echoed', () => {
    let err: unknown;
    try {
      parseConfig({ ami: { users: { 'action-sendr': { username: 'x' }, heartbeat: { secret: 'hidden-1' }, 'meetme-cleaner': { username: 'c', secret: 7 } } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as Error).message;
    expect(text).toMatch(/ami\.users\.action-sendr: unknown key/);
    expect(text).toMatch(/ami\.users\.heartbeat\.username/);
    expect(text).toMatch(/ami\.users\.meetme-cleaner\.secret/);
    expect(text).not.toMatch(/hidden-1|\b7\b/);
    expect(() => load('', { AMIQ_AMI_SECRET_ACTION_SENDER: 'orphan' })).toThrow(/ami\.users\.action-sender\.username/);
  });
});

describe('each worker logs in as its own manager.conf user (amiq start, simulator)', () => {
  let dir: string;
  let sim: Simulator;
  let config: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amiq-users-'));
    sim = await startSimulator({
      port: 0,
      logger: pino({ level: 'silent' }),
      users: [
        { username: 'amiq-sender', secret: SECRETS.sender, write: true },
        { username: 'amiq-listener', secret: SECRETS.listener, write: true },
        { username: 'amiq-heartbeat', secret: SECRETS.heartbeat, write: true },
        { username: 'amiq-cleaner', secret: SECRETS.cleaner, write: true },
      ],
    });
    const port = await freeUdpPort();
    config = join(dir, 'amiq.toml');
    writeFileSync(
      config,
      [
        '[database]',
        `path = "${join(dir, 'amiq.db')}"`,
        // The shared user does not exist on this PBX: a worker that fell back to it could not log in.
        '[ami]',
        `port = ${sim.port}`,
        'username = "nobody"',
        'secret = "nothing"',
        'reconnect_min_ms = 50',
        'reconnect_max_ms = 200',
        '[ami.users.action-sender]',
        'username = "amiq-sender"',
        `secret = "${SECRETS.sender}"`,
        '[ami.users.manager-listener]',
        'username = "amiq-listener"',
        '[ami.users.heartbeat]',
        'username = "amiq-heartbeat"',
        `secret = "${SECRETS.heartbeat}"`,
        '[ami.users.meetme-cleaner]',
        'username = "amiq-cleaner"',
        `secret = "${SECRETS.cleaner}"`,
        '[heartbeat]',
        'bind = "127.0.0.1"',
        `port = ${port}`,
        '',
      ].join('\n'),
    );
    expect(spawnSync(process.execPath, [BIN, '--config', config, 'init'], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sender, listener, heartbeat and cleaner each log in with their own user (the listener's secret from the environment); no secret is logged", async () => {
    const child = spawn(process.execPath, [BIN, '--config', config, '--log-format', 'json', 'start'], {
      cwd: dir,
      env: { ...process.env, AMIQ_CONFIG: '', AMIQ_AMI_SECRET_MANAGER_LISTENER: SECRETS.listener, LOG_LEVEL: 'debug' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const loginAs = (user: string) =>
        sim.waitForAction((a) => a.action.toLowerCase() === 'login' && a.headers.some(([k, v]) => k.toLowerCase() === 'username' && v === user), 20_000);
      const logins = await Promise.all([loginAs('amiq-sender'), loginAs('amiq-listener'), loginAs('amiq-heartbeat'), loginAs('amiq-cleaner')]);
      // Which worker sent each Login: its ActionID carries the worker's tag.
      expect(logins.map((a) => a.actionId?.split('-')[1])).toEqual(['sender', 'listener', 'heartbeat', 'cleaner']);
      // Each stays logged in: the next action on its connection is a real one, not another Login.
      await sim.waitForAction((a) => a.action === 'CoreShowChannels' && a.actionId?.startsWith('amiq-listener-') === true, 20_000);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    expect(sim.actions.filter((a) => a.action.toLowerCase() === 'login').some((a) => a.headers.some(([, v]) => v === 'nobody'))).toBe(false);
    expect(output).toMatch(/AMI connected/);
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  });
});

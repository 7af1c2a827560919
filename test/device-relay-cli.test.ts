import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig, relayTargets } from '../src/shared/config/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { eventually, exitOf, killChildren, tempDb, type TempDb } from './helpers/shared-helpers.js';
import { silent } from './helpers/manager-listener-helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');

describe('[device_relay] configuration', () => {
  it('is off by default: the worker is not among the enabled ones', () => {
    const c = defaultConfig();
    expect(c.workers.enabled).not.toContain('device-relay');
    expect(c.device_relay).toMatchObject({ servers: [], device_state: true, presence: true, presentities: ['CustomPresence:*'] });
  });

  it.each([
    [{ devices: 'PJSIP/*' }, 'device_relay.devices: expected an array of non-empty glob patterns like "PJSIP/*"'],
    [{ devices: [''] }, 'device_relay.devices[0]: expected an array of non-empty glob patterns'],
    [{ presence: 'yes' }, 'device_relay.presence: expected true or false'],
    [{ servers: [''] }, 'device_relay.servers[0]: expected a non-empty string'],
    [{ expire_seconds: 0 }, 'device_relay.expire_seconds: expected an integer >= 1'],
    [{ sever: [] }, 'device_relay.sever: unknown key'],
  ])('%j is refused naming the key', (relay, message) => {
    expect(() => parseConfig({ device_relay: relay })).toThrow(message);
  });

  it('the relay needs this server and another in servers, and something to relay', () => {
    const at = (server: string, relay: object) => relayTargets(parseConfig({ server: { name: server }, device_relay: relay }));
    expect(at('a', { servers: ['a', 'b', 'c', 'b'] })).toEqual(['b', 'c']);
    expect(() => at('a', { servers: [] })).toThrow('device_relay.servers: must include this server "a" (got [])');
    expect(() => at('a', { servers: ['a'] })).toThrow('device_relay.servers: must name at least one other server');
    expect(() => at('a', { servers: ['a', 'b'], device_state: false, presence: false })).toThrow(ConfigError);
  });
});

describe('amiq run device-relay (needs npm run build)', () => {
  let t: TempDb;
  let sim: Simulator;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    t = await tempDb('amiq-relay-');
    sim = await startSimulator({ port: 0, logger: silent });
  });
  afterEach(async () => {
    await killChildren(children.splice(0));
    await sim.close();
    await t.cleanup();
  });

  const configFile = (servers: string[]) => {
    const file = join(t.dir, 'amiq.toml');
    writeFileSync(
      file,
      [
        `[database]\npath = "${join(t.dir, 'amiq.db')}"`,
        `[server]\nname = "a"`,
        `[ami]\nport = ${sim.port}\nusername = "amiq"\nsecret = "amiq"`,
        `[device_relay]\nservers = ${JSON.stringify(servers)}`,
        `[workers]\nbeat_seconds = 0.2`,
      ].join('\n'),
    );
    return file;
  };

  it('refuses a relay with no other server: exit 2 naming the key', () => {
    const run = spawnSync(process.execPath, [BIN, '--config', configFile(['a']), 'run', 'device-relay'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('device_relay.servers: must name at least one other server');
  });

  it('runs supervised: registered, listed by status, relaying to the other server, stopped by SIGTERM', async () => {
    const cfg = configFile(['a', 'b']);
    const child = spawn(process.execPath, [BIN, '--config', cfg, 'run', 'device-relay'], { stdio: 'ignore' });
    children.push(child);
    const status = () => JSON.parse(spawnSync(process.execPath, [BIN, '--config', cfg, 'status', '--json', '--server', 'a'], { encoding: 'utf8' }).stdout);
    const worker = await eventually(() => {
      const w = (status().workers as Array<{ name: string; alive: boolean; ami_state: string }>).find((x) => x.name === 'device-relay');
      return w?.alive && w.ami_state === 'connected' ? w : undefined;
    });
    expect(worker).toMatchObject({ name: 'device-relay', alive: true });
    sim.setDeviceState('PJSIP/2001', 'BUSY');
    const row = await eventually(() => t.db.selectFrom('manager_queue').selectAll().where('server', '=', 'b').executeTakeFirst());
    expect(row).toMatchObject({ action: 'SetVar', tag: 'relay:DEVICE_STATE(Custom:PJSIP/2001)', status: 'NEW' });
    expect(JSON.parse(row.params)).toEqual({ Variable: 'DEVICE_STATE(Custom:PJSIP/2001)', Value: 'BUSY' });
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('one host driving two servers on one SQLite file: a config per server, each its relay and sender', async () => {
    const simB = await startSimulator({ port: 0, logger: silent });
    try {
      const cfg = (server: string, port: number) => {
        const file = join(t.dir, `${server}.toml`);
        writeFileSync(
          file,
          [
            `[database]\npath = "${join(t.dir, 'amiq.db')}"`,
            `[server]\nname = "${server}"`,
            `[ami]\nport = ${port}\nusername = "amiq"\nsecret = "amiq"`,
            `[device_relay]\nservers = ["a", "b"]`,
            `[workers]\nbeat_seconds = 0.2`,
          ].join('\n'),
        );
        return file;
      };
      const files = { a: cfg('a', sim.port), b: cfg('b', simB.port) };
      for (const [server, worker] of [
        ['a', 'device-relay'],
        ['a', 'action-sender'],
        ['b', 'device-relay'],
        ['b', 'action-sender'],
      ] as const) {
        children.push(spawn(process.execPath, [BIN, '--config', files[server], 'run', worker], { stdio: 'ignore' }));
      }
      // Each relay is up once its server's list was answered; then a change on each side crosses over.
      await eventually(() => (sim.actionCount('DeviceStateList') > 0 && simB.actionCount('DeviceStateList') > 0) || undefined);
      sim.setDeviceState('PJSIP/2001', 'BUSY');
      simB.setDeviceState('PJSIP/3001', 'RINGING');
      await eventually(() => (simB.deviceState('Custom:PJSIP/2001') === 'BUSY' && sim.deviceState('Custom:PJSIP/3001') === 'RINGING') || undefined);
      // One row each way, for the other server's sender (no echo is proven in device-relay-e2e).
      const rows = await t.db.selectFrom('manager_queue').select(['server', 'tag']).orderBy('server').execute();
      expect(rows).toEqual([
        { server: 'a', tag: 'relay:DEVICE_STATE(Custom:PJSIP/3001)' },
        { server: 'b', tag: 'relay:DEVICE_STATE(Custom:PJSIP/2001)' },
      ]);
    } finally {
      await killChildren(children.splice(0));
      await simB.close();
    }
  });
});

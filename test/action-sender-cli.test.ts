import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActionSender } from '../src/action-sender/index.js';
import { defaultConfig } from '../src/shared/config/index.js';
import { createChangeSignal, type ChangeSignal } from '../src/shared/db/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { silent, until } from './helpers/action-sender-helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as a separate process (async: the sender runs in this process meanwhile). */
function amiq(dbPath: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/amiq.js', '--db', dbPath, ...args], { cwd: ROOT, env: { ...process.env, AMIQ_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('amiq queue commands', () => {
  let sim: Simulator;
  let t: TestDb;
  let changes: ChangeSignal;
  const stop = new AbortController();
  let running: Promise<void>;

  beforeAll(async () => {
    // `npm test` builds first; rebuilding here would rewrite dist under other files' running CLIs.
    expect(existsSync(`${ROOT}dist/src/cli/commands/originate.js`), 'npm run build').toBe(true);
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    t = await openTestDb();
    const config = defaultConfig();
    config.ami.port = sim.port;
    config.ami.secret = 'amiq';
    config.action_sender.rate_per_second = 0;
    changes = createChangeSignal(t.sqlite, { intervalMs: 2 });
    let connected = false;
    running = runActionSender({
      config,
      db: t.db,
      logger: silent,
      signal: stop.signal,
      changes,
      ctx: { setAmiState: (s) => (connected ||= s === 'connected'), count: () => {}, setError: () => {} },
    });
    await until(() => connected, 'sender connected');
  }, 180_000);
  afterAll(async () => {
    stop.abort();
    await running;
    changes.close();
    await sim.close();
    await t.cleanup();
  });

  it('action --wait: prints the row once answered, exit 0', async () => {
    const r = await amiq(t.path, 'action', 'Ping', '--wait', '--json');
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout) as QueueRow;
    expect(row).toMatchObject({ action: 'Ping', status: 'SUCCESS', response: 'Success' });
    expect(sim.actions.some((a) => a.actionId === row.action_id)).toBe(true);
  });

  it('originate --wait: Asterisk refusing is exit 1; an answered call exit 0; a failed call exit 1', async () => {
    const refused = await amiq(t.path, 'originate', '--channel', 'nonsense-without-slash', '--exten', '100', '--context', 'default', '--wait');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/status\s+FAILED/);
    expect(refused.stdout).toMatch(/message\s+Invalid channel/);

    // The listener's part (call_state) is played by the test: whatever row becomes SUCCESS gets a call state.
    const follow = async (state: 'UP' | 'FAILED'): Promise<void> => {
      const row = await until(
        async () =>
          t.db
            .selectFrom('manager_queue')
            .selectAll()
            .where('status', '=', 'SUCCESS')
            .where('call_state', 'is', null)
            .where('action', '=', 'Originate')
            .executeTakeFirst(),
        'accepted Originate',
      );
      await t.db.updateTable('manager_queue').set({ call_state: state, call_channel: 'Local/100@default-00000001;1' }).where('id', '=', row!.id).execute();
    };
    const [up] = await Promise.all([
      amiq(
        t.path,
        'originate',
        '--channel',
        'Local/100@default',
        '--exten',
        '300',
        '--context',
        'default',
        '--var',
        'A=1',
        '--callerid',
        'CLI-1',
        '--wait',
        '--json',
      ),
      follow('UP'),
    ]);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({
      callerid: 'CLI-1',
      status: 'SUCCESS',
      call_state: 'UP',
      params: '{"Exten":"300","Context":"default","Priority":"1","Variable":["A=1"]}',
    });
    const [failed] = await Promise.all([amiq(t.path, 'originate', '--channel', 'Local/400@default', '--app', 'Echo', '--wait'), follow('FAILED')]);
    expect(failed.code).toBe(1);
  });

  it('bad input is exit 2 with the field and rule, and nothing is queued', async () => {
    const before = await t.db
      .selectFrom('manager_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const cases: Array<[string[], RegExp]> = [
      [['originate', '--channel', 'SIP/1'], /give --exten and --context, or --app/],
      [['originate', '--channel', 'SIP/1', '--app', 'Echo', '--var', 'novalue'], /--var "novalue": expected KEY=VALUE/],
      [['hangup'], /give --channel or --callerid/],
      [['hangup', '--channel', '/.*/'], /channel: a \/regex\/ channel is never accepted from a row/],
      [['hangup', '--channel', ' /.*/'], /channel: leading or trailing blank/],
      [['originate', '--channel', 'SIP/1', '--app', 'System', '--data', 'id'], /params.Application: System is a dangerous application/],
      [['redirect', '--channel', 'SIP/1-1', '--callerid', 'X', '--exten', '1', '--context', 'c'], /exactly one/],
      [['action', 'Shutdown'], /action: "Shutdown" is not an allowed action/],
      [['action', 'Command', 'Command=core stop now'], /Command is not allowed/],
      [['show', 'abc'], /expected a positive integer/],
    ];
    for (const [args, message] of cases) {
      const r = await amiq(t.path, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const after = await t.db
      .selectFrom('manager_queue')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('show, cancel and watch', async () => {
    const queued = await amiq(t.path, 'action', 'Ping', '--json');
    const id = (JSON.parse(queued.stdout) as QueueRow).id;
    await until(async () => (await rowById(t.db, id)).status === 'SUCCESS', 'sent');
    const shown = await amiq(t.path, 'show', String(id));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(shown.stdout).toMatch(/^status\s+SUCCESS$/m);
    const cancel = await amiq(t.path, 'cancel', String(id));
    expect(cancel.code).toBe(1);
    expect(cancel.stdout).toMatch(/only NEW rows can be/);
    // No sender serves server 'other': its row stays NEW and can be cancelled.
    const parked = JSON.parse((await amiq(t.path, '--server', 'other', 'action', 'Ping', '--json')).stdout) as QueueRow;
    expect(parked).toMatchObject({ server: 'other', status: 'NEW' });
    const cancelled = await amiq(t.path, 'cancel', String(parked.id));
    expect(cancelled.code).toBe(0);
    expect((await rowById(t.db, parked.id)).status).toBe('CANCELLED');
    const watch = await amiq(t.path, 'watch', '--once', '--limit', '3');
    expect(watch.code, watch.stderr).toBe(0);
    const lines = watch.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SERVER\s+ACTION/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^${id}\\s+default\\s+Ping`));
  });
});

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiqClient, RowNotFoundError, RowRejectedError, WaitTimeoutError } from '../src/client/index.js';
import { insertResults } from '../src/shared/queue/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { describeEngines } from './helpers/engines.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { silent, startRealSender } from './helpers/action-sender-helpers.js';

const ROOT = resolve(import.meta.dirname, '..');

describeEngines('amiq/client: enqueue, read, wait, cancel', (t) => {
  const client = () => new AmiqClient(t.db, { server: 'pbx1' });
  const count = async () =>
    Number(
      (
        await t.db
          .selectFrom('manager_queue')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const rejected = async (p: Promise<unknown>): Promise<RowRejectedError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RowRejectedError);
    return err as RowRejectedError;
  };

  it('originate, redirect, hangup and action write the row the sender expects', async () => {
    const c = client();
    const o = await c.originate({
      channel: 'PJSIP/2001',
      exten: '100',
      context: 'default',
      callerid: 'C-1',
      variables: { LEAD: 42 },
      timeoutMs: 30000,
      tag: 'campaign-7',
      priority: 5,
    });
    expect(await rowById(t.db, o)).toMatchObject({
      server: 'pbx1',
      action: 'Originate',
      channel: 'PJSIP/2001',
      callerid: 'C-1',
      status: 'NEW',
      tag: 'campaign-7',
      priority: 5,
    });
    expect(JSON.parse((await rowById(t.db, o)).params)).toEqual({ Exten: '100', Context: 'default', Timeout: '30000', Variable: { LEAD: 42 } });
    const r = await c.redirect({ callerid: 'C-1', exten: '700', context: 'default', server: 'pbx2' });
    expect(await rowById(t.db, r)).toMatchObject({ server: 'pbx2', action: 'Redirect', channel: null, callerid: 'C-1' });
    const h = await c.hangup({ channel: 'PJSIP/2001-00000001', cause: 16 });
    expect(JSON.parse((await rowById(t.db, h)).params)).toEqual({ Cause: '16' });
    const a = await c.action('Status', {}, { channel: 'PJSIP/2001-00000001' });
    expect(await rowById(t.db, a)).toMatchObject({ action: 'Status', channel: 'PJSIP/2001-00000001' });
    const later = new Date(Date.now() + 60_000);
    const s = await c.action('Ping', {}, { notBefore: later });
    expect(Date.parse((await rowById(t.db, s)).not_before!)).toBe(later.getTime());
  });

  it("a row breaking a rule is refused with the sender's message, and nothing is inserted", async () => {
    const c = client();
    const cases: Array<[Promise<unknown>, RegExp]> = [
      [c.originate({ channel: 'PJSIP/1', exten: '100' }), /^params\.Context: required with Exten$/],
      [c.originate({ channel: 'PJSIP/1', application: 'System', data: 'id' }), /params\.Application: System is a dangerous application/],
      [c.hangup({ channel: '/.*/' }), /channel: a \/regex\/ channel is never accepted/],
      [c.action('Command', { Command: 'core stop now' }), /Command is not allowed/],
      [c.action('Shutdown'), /action: "Shutdown" is not an allowed action/],
      [c.action('Ping', { 'Bad Key': 'x' }), /must match \[A-Za-z0-9_-\]\+/],
      [c.action('Ping', { X: 'a\r\nAction: Originate' }), /CR, LF or NUL/],
      [c.action('Ping', {}, { expiresAt: 'tomorrow' }), /expires_at/],
    ];
    for (const [p, message] of cases) expect((await rejected(p)).message).toMatch(message);
    expect(await count()).toBe(0);
    // The operator's policy, when the program knows it, widens what passes.
    const admin = new AmiqClient(t.db, { policy: { allowedCommands: ['core show'] } });
    expect(await admin.action('Command', { Command: 'core show channels' })).toBeGreaterThan(0);
  });

  it('wait follows the row to a status or call state; times out with the row as last read; get, results and cancel', async () => {
    const c = client();
    const id = await c.originate({ channel: 'PJSIP/1', exten: '100', context: 'default' });
    const waited = c.wait(id, 'settled', { timeoutMs: 10_000, pollMs: 5 });
    // As the sender and then the listener would write it.
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS' }).where('id', '=', id).execute();
    const ringing = await c.wait(id, { status: ['SUCCESS'] }, { timeoutMs: 10_000, pollMs: 5 });
    expect(ringing.status).toBe('SUCCESS');
    await t.db.updateTable('manager_queue').set({ call_state: 'UP' }).where('id', '=', id).execute();
    expect((await waited).call_state).toBe('UP');
    const ended = await c.wait(id, 'ended', { timeoutMs: 30, pollMs: 5 }).catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(WaitTimeoutError);
    expect((ended as WaitTimeoutError).row.call_state).toBe('UP');
    await expect(c.wait(999_999, 'terminal', { timeoutMs: 100 })).rejects.toBeInstanceOf(RowNotFoundError);

    const list = await c.action('CoreShowChannels');
    await insertResults(t.db, list, [{ event: 'CoreShowChannel', headers: JSON.stringify({ Channel: 'PJSIP/1-1', ChanVariable: ['A=1', 'B=2'] }) }]);
    expect(await c.results(list)).toEqual([{ seq: 1, event: 'CoreShowChannel', headers: { Channel: 'PJSIP/1-1', ChanVariable: ['A=1', 'B=2'] } }]);
    expect(await c.cancel(list)).toBe(true);
    expect((await c.get(list))?.status).toBe('CANCELLED');
    expect(await c.cancel(id)).toBe(false);
    expect(await c.get(999_999)).toBeUndefined();
  });
});

describe('amiq/client with the real sender (simulator)', () => {
  let sim: Simulator;
  let t: TestDb;
  let sender: { stop(): Promise<void> };
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    t = await openTestDb();
    sender = await startRealSender(t, sim.port);
  });
  afterEach(async () => {
    await sender.stop();
    await sim.close();
    await t.cleanup();
  });

  it('an Originate waited to its terminal status, and a CoreShowChannels with its items', async () => {
    const c = new AmiqClient(t.db);
    const id = await c.originate({ channel: 'Local/600@default', exten: '600', context: 'default' });
    expect(await c.wait(id, 'terminal', { timeoutMs: 10_000 })).toMatchObject({ status: 'SUCCESS', response: 'Success' });
    const member = sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const list = await c.action('CoreShowChannels');
    await c.wait(list, 'terminal', { timeoutMs: 10_000 });
    expect((await c.results(list)).map((i) => i.headers['Channel'])).toContain(member.name);
  });
});

describe('packaging', () => {
  it('amiq/client resolves through the exports map to the built library with its types', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('amiq/client'); console.log(typeof m.AmiqClient, typeof m.openDatabase, import.meta.resolve('amiq/client'))",
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^function function file:.*\/dist\/src\/client\/index\.js$/m);
    const pkg = JSON.parse(
      spawnSync(process.execPath, ['-p', "JSON.stringify(require('./package.json').exports['./client'])"], { cwd: ROOT, encoding: 'utf8' }).stdout,
    ) as Record<string, string>;
    expect(pkg['types']).toBe('./dist/src/client/index.d.ts');
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiMessage } from '../src/shared/ami/message.js';
import { runActionSender } from '../src/action-sender/index.js';
import { defaultConfig } from '../src/shared/config/index.js';
import type { AmiqConfig } from '../src/shared/config/index.js';
import { createChangeSignal, type ChangeSignal } from '../src/shared/db/index.js';
import { cancelRow, enqueue } from '../src/shared/queue/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { isoNow } from '../src/shared/time.js';
import { kickRow } from '../src/meetme-cleaner/kick-row.js';
import type { StoredMember } from '../src/meetme-cleaner/types.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { insertFromAnotherProcess, silent, until } from './helpers/action-sender-helpers.js';

describe('action-sender against the simulator', () => {
  let sim: Simulator;
  let t: TestDb;
  let stop: AbortController;
  let running: Promise<void> | undefined;
  let changes: ChangeSignal | undefined;
  const states: string[] = [];

  const config = (over: (c: AmiqConfig) => void = () => {}): AmiqConfig => {
    const c = defaultConfig();
    c.ami.port = sim.port;
    c.ami.secret = 'amiq';
    c.ami.reconnect_min_ms = 20;
    c.ami.reconnect_max_ms = 100;
    c.action_sender.rate_per_second = 0;
    c.action_sender.response_timeout_ms = 2000;
    over(c);
    return c;
  };
  const start = async (cfg: AmiqConfig): Promise<void> => {
    running = runActionSender({
      config: cfg,
      db: t.db,
      logger: silent,
      signal: stop.signal,
      changes: (changes = createChangeSignal(t.sqlite, { intervalMs: 2 })),
      ctx: { setAmiState: (s) => states.push(s), count: () => {}, setError: () => {} },
    });
    await until(() => states.includes('connected'), 'sender logged in');
  };
  const status = (id: number, s: string) => until(async () => (await rowById(t.db, id)).status === s, `row ${id} ${s}`);
  const terminal = (id: number) => until(async () => !['NEW', 'SENDING', 'SENT'].includes((await rowById(t.db, id)).status), `row ${id} terminal`);
  const seen = (actionId: string | null) => sim.actions.filter((a) => a.actionId === actionId).length;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    t = await openTestDb();
    stop = new AbortController();
    states.length = 0;
  });
  afterEach(async () => {
    stop.abort();
    await running;
    running = undefined;
    changes?.close();
    changes = undefined;
    await sim.close();
    await t.cleanup();
  });

  it('walks every status path of SPEC §3', async () => {
    // CANCELLED and EXPIRED are decided before the sender ever sees the row.
    const cancelled = await enqueue(t.db, { action: 'Ping', not_before: isoNow(Date.now() + 60_000) });
    expect(await cancelRow(t.db, cancelled)).toBe(true);
    const expired = await enqueue(t.db, { action: 'Ping', expires_at: isoNow(Date.now() - 1) });
    await start(config((c) => (c.action_sender.response_timeout_ms = 300)));

    const ok = await enqueue(t.db, { action: 'Originate', channel: 'Local/600@default', params: { Exten: '600', Context: 'default' } });
    const refused = await enqueue(t.db, { action: 'Originate', channel: 'nonsense-without-slash', params: { Exten: '100', Context: 'default' } });
    const invalid = await enqueue(t.db, { action: 'Originate', channel: null, params: { Exten: '100', Context: 'default' } });
    sim.faults.dropResponses((a) => a.action === 'Status');
    const lost = await enqueue(t.db, { action: 'Status', channel: 'Local/600@default-00000000;1' });

    await status(ok, 'SUCCESS');
    await status(refused, 'FAILED');
    await status(invalid, 'INVALID');
    await status(lost, 'LOST');
    await status(expired, 'EXPIRED');
    const okRow = await rowById(t.db, ok);
    expect(okRow).toMatchObject({ response: 'Success', message: 'Originate successfully queued' });
    const wire = sim.actions.find((a) => a.actionId === okRow.action_id)!;
    expect(wire.headers).toEqual(
      expect.arrayContaining([
        ['Async', 'true'],
        ['CallerID', `"${okRow.callerid}" <${okRow.callerid}>`],
        ['Variable', `AMIQ_ID=${ok}`],
        ['Priority', '1'],
      ]),
    );
    expect(await rowById(t.db, refused)).toMatchObject({ response: 'Error', message: 'Invalid channel' });
    expect(await rowById(t.db, invalid)).toMatchObject({ message: 'channel: required for Originate', action_id: null });
    expect((await rowById(t.db, lost)).message).toBe('no response within 300 ms; not re-sent');
    expect((await rowById(t.db, cancelled)).status).toBe('CANCELLED');

    // Redirect and Hangup by callerid act on the Originate's live channel (the listener's column).
    const live = sim.channels().find((c) => c.name.startsWith('Local/600@default') && c.name.endsWith(';1'))!;
    await t.db.updateTable('manager_queue').set({ call_channel: live.name, call_state: 'UP' }).where('id', '=', ok).execute();
    const redirect = await enqueue(t.db, { action: 'Redirect', callerid: okRow.callerid, params: { Exten: '700', Context: 'default' } });
    await status(redirect, 'SUCCESS');
    const hang = await enqueue(t.db, { action: 'Hangup', callerid: okRow.callerid });
    await status(hang, 'SUCCESS');
    expect(sim.actions.filter((a) => a.action === 'Hangup').map((a) => new AmiMessage('other', a.headers).get('Channel'))).toEqual([live.name]);
    // The rows record the channel they acted on, in their empty channel column.
    expect((await rowById(t.db, redirect)).channel).toBe(live.name);
    expect((await rowById(t.db, hang)).channel).toBe(live.name);
    await t.db.updateTable('manager_queue').set({ call_state: 'ENDED' }).where('id', '=', ok).execute();
    const late = await enqueue(t.db, { action: 'Hangup', callerid: okRow.callerid });
    await status(late, 'FAILED');
    expect(await rowById(t.db, late)).toMatchObject({ sent_at: null, message: expect.stringContaining('has already ended (call_state ENDED)') });
    expect(sim.actionCount('Hangup')).toBe(1);
  });

  it('a tag is no privilege: a row tagged as the cleaner may not send `meetme kick` with Command off', async () => {
    await start(config());
    const member = sim.addMeetmeMember('5000');
    const spoofed = await enqueue(t.db, { action: 'Command', params: { Command: 'meetme kick 5000 1' }, tag: 'meetme-cleaner:alone' });
    await status(spoofed, 'INVALID');
    expect((await rowById(t.db, spoofed)).message).toBe('action: Command is not allowed (action_sender.allowed_commands is empty)');
    // The cleaner's own row with Command off is a Hangup of the member's channel.
    const kick = await enqueue(
      t.db,
      kickRow('default', 'meetme', '5000', { channel: member.name, user: '1', joined_at: isoNow(), first_seen: isoNow() } satisfies StoredMember, 'alone', []),
    );
    await status(kick, 'SUCCESS');
    expect(sim.actionCount('Command')).toBe(0);
    expect(sim.actions.filter((a) => a.action === 'Hangup').map((a) => a.headers.filter(([k]) => k === 'Channel'))).toEqual([[['Channel', member.name]]]);
  });

  it('sends `meetme kick` where allowed_commands allows it, recording the CLI output', async () => {
    await start(config((c) => (c.action_sender.allowed_commands = ['meetme kick'])));
    const member = sim.addMeetmeMember('5000');
    const kick = await enqueue(
      t.db,
      kickRow('default', 'meetme', '5000', { channel: member.name, user: '1', joined_at: isoNow(), first_seen: isoNow() } satisfies StoredMember, 'alone', [
        'meetme kick',
      ]),
    );
    await status(kick, 'SUCCESS');
    const wire = sim.actions.find((a) => a.action === 'Command')!;
    expect(wire.headers).toContainEqual(['Command', 'meetme kick 5000 1']);
    expect((await rowById(t.db, kick)).message).not.toBeNull();
  });

  it('sends rows another process inserts in plain SQL, woken by the change signal', async () => {
    await start(config());
    const id = insertFromAnotherProcess(t.path, `INSERT INTO manager_queue (action) VALUES ('Ping')`);
    await status(id, 'SUCCESS');
    expect(seen((await rowById(t.db, id)).action_id)).toBe(1);
    expect(() => insertFromAnotherProcess(t.path, `INSERT INTO manager_queue (action, params) VALUES ('Ping', '{bad')`)).toThrow(/CHECK constraint failed/);
  });

  it('bad rows become INVALID with their message and the next good row is still sent', async () => {
    await start(config());
    const vars = Array.from({ length: 500 }, (_, i) => `V${i}=1`);
    const cases: Array<[Parameters<typeof enqueue>[1], string]> = [
      [{ action: 'Shutdown' }, 'action: "Shutdown" is not an allowed action'],
      [{ action: 'Originate', params: { Exten: '100', Context: 'default' } }, 'channel: required for Originate'],
      [
        { action: 'Originate', channel: 'Local/100@default', params: { Exten: '100', Context: 'default', Variable: ['A=1', 'B=2\r\n\r\nAction: Command'] } },
        'params.Variable[1]: value contains CR, LF or NUL',
      ],
      [
        { action: 'Originate', channel: 'Local/100@default', params: { Exten: '100', Context: 'default', Account: 'x'.repeat(2000) } },
        'params.Account: line of 2011 bytes, must be under 1024',
      ],
      [{ action: 'Originate', channel: 'Local/100@default', params: { Exten: '100', Context: 'default', Variable: vars } }, 'params: more than 100 headers'],
      [{ action: 'Command', params: { Command: 'core stop now' } }, 'action: Command is not allowed (action_sender.allowed_commands is empty)'],
    ];
    const ids: Array<[number, string]> = [];
    for (const [row, msg] of cases) ids.push([await enqueue(t.db, row), msg]);
    // Shapes a client can only write as raw JSON text: an array, and a non-string value.
    const arr = insertFromAnotherProcess(t.path, `INSERT INTO manager_queue (action, channel, params) VALUES ('Hangup', 'SIP/1-1', '["x"]')`);
    ids.push([arr, 'params: must be a JSON object']);
    const nested = insertFromAnotherProcess(t.path, `INSERT INTO manager_queue (action, channel, params) VALUES ('Hangup', 'SIP/1-1', '{"Cause":{"a":16}}')`);
    ids.push([nested, 'params.Cause: an object is allowed only for Variable']);
    const good = await enqueue(t.db, { action: 'Ping' });
    await status(good, 'SUCCESS');
    for (const [id, message] of ids) {
      await terminal(id);
      expect(await rowById(t.db, id)).toMatchObject({ status: 'INVALID', message, sent_at: null });
    }
    expect(sim.actions.filter((a) => a.action !== 'Login').map((a) => a.action)).toEqual(['Ping']);
  });

  it('a connection dropped with actions in flight: those rows LOST, later rows sent after reconnect, none twice', async () => {
    await start(config());
    sim.faults.delayResponses(300);
    sim.faults.dropAfterActions(5, { action: 'Ping' });
    const first: number[] = [];
    for (let i = 0; i < 5; i++) first.push(await enqueue(t.db, { action: 'Ping' }));
    for (const id of first) await terminal(id);
    for (const id of first) expect((await rowById(t.db, id)).status).toBe('LOST');
    sim.faults.delayResponses(null);
    await until(() => states.filter((s) => s === 'connected').length >= 2, 'reconnected');
    const later: number[] = [];
    for (let i = 0; i < 5; i++) later.push(await enqueue(t.db, { action: 'Ping' }));
    for (const id of later) await status(id, 'SUCCESS');
    const ids = sim.actions.map((a) => a.actionId).filter((a) => a?.startsWith('amiq-') && !a.startsWith('amiq-sender-'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [...first, ...later]) expect(seen((await rowById(t.db, id)).action_id)).toBeLessThanOrEqual(1);
  });

  it('SIGTERM: no new claims, in-flight responses awaited for a bounded time, then LOST', async () => {
    await start(config((c) => (c.workers.drain_seconds = 0.5)));
    sim.faults.delayResponses(150);
    const quick = await enqueue(t.db, { action: 'Ping' });
    await until(() => sim.actions.some((a) => a.actionId?.startsWith(`amiq-${quick}-`)), 'first Ping written');
    sim.faults.delayResponses(5000);
    const slow = await enqueue(t.db, { action: 'Ping' });
    await until(() => sim.actions.some((a) => a.actionId?.startsWith(`amiq-${slow}-`)), 'second Ping written');
    const notYet = await enqueue(t.db, { action: 'Ping', not_before: isoNow(Date.now() + 200) });
    stop.abort();
    await running;
    expect((await rowById(t.db, quick)).status).toBe('SUCCESS');
    expect(await rowById(t.db, slow)).toMatchObject({ status: 'LOST', message: 'sender stopped before the response arrived; not re-sent' });
    expect((await rowById(t.db, notYet)).status).toBe('NEW');
  });

  it('another connection holding the write lock for 3 s: the sender waits and carries on', async () => {
    await start(config());
    const before = await enqueue(t.db, { action: 'Ping' });
    await status(before, 'SUCCESS');
    // Rows become due while the lock is held, so the claim meets the lock.
    const due = await enqueue(t.db, { action: 'Ping', not_before: isoNow(Date.now() + 300) });
    const locker = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(process.argv[1]);d.exec('BEGIN IMMEDIATE');d.prepare("INSERT INTO manager_queue (action) VALUES ('Ping')").run();console.log('locked');setTimeout(()=>{d.exec('COMMIT');d.close();},3000);`,
        t.path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(locker.stdout!, 'data');
    const exited = once(locker, 'exit');
    await exited;
    await status(due, 'SUCCESS');
    const inserted = await t.db.selectFrom('manager_queue').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await status(inserted.id, 'SUCCESS');
  });

  it('archives its terminal rows on the maintenance schedule', async () => {
    await start(config((c) => (c.maintenance = { ...c.maintenance, schedule: '* * * * * *', archive_after_hours: 0 })));
    const id = await enqueue(t.db, { action: 'Ping' });
    const parked = await enqueue(t.db, { action: 'Ping', not_before: isoNow(Date.now() + 60_000) });
    await until(
      async () => (await t.db.selectFrom('manager_queue_archive').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
      'row archived',
    );
    expect(await t.db.selectFrom('manager_queue').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect((await rowById(t.db, parked)).status).toBe('NEW');
  });
});

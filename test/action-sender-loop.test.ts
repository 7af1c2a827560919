import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiMessage } from '../src/shared/ami/message.js';
import { ActionSender, type SenderOptions } from '../src/action-sender/sender-loop.js';
import { Wakeup } from '../src/action-sender/wakeup.js';
import { claimRows, enqueue, markSent } from '../src/shared/queue/index.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { FakeClient, silent, until } from './helpers/action-sender-helpers.js';
import { AmiConnectionLostError, AmiNotConnectedError, AmiTimeoutError } from '../src/shared/ami/errors.js';

const policy = { allowedActions: ['Originate', 'Redirect', 'Hangup', 'Ping'], allowedCommands: [] };
const baseOpts: SenderOptions = { server: 'default', policy, ratePerSecond: 0, maxInFlight: 20, responseTimeoutMs: 1000, ttlSeconds: 60, drainMs: 200 };

describe('ActionSender with a stand-in client', () => {
  let t: TestDb;
  let client: FakeClient;
  let stop: AbortController;
  let running: Promise<void>;
  let sender: ActionSender;
  const counts: Record<string, number> = {};
  const start = (over: Partial<SenderOptions> = {}) => {
    sender = new ActionSender(t.db, client, { ...baseOpts, ...over }, silent, {
      count: (n, k = 1) => (counts[n] = (counts[n] ?? 0) + k),
      setError: () => {},
    });
    running = sender.run(stop.signal);
  };
  const settled = (id: number, status: string) => until(async () => (await rowById(t.db, id)).status === status, `row ${id} ${status}`);

  beforeEach(async () => {
    t = await openTestDb();
    client = new FakeClient();
    stop = new AbortController();
    for (const k of Object.keys(counts)) delete counts[k];
  });
  afterEach(async () => {
    stop.abort();
    await running;
    await t.cleanup();
  });

  it('recovers at start, then sends rows and records SUCCESS / FAILED with the response', async () => {
    const crashedSending = await enqueue(t.db, { action: 'Ping' });
    const crashedSent = await enqueue(t.db, { action: 'Ping' });
    await claimRows(t.db, { server: 'default', limit: 2, ttlSeconds: 60 });
    await markSent(t.db, [{ id: crashedSent, actionId: 'x' }]);
    client.autoReply = (a) =>
      a.action === 'Hangup'
        ? new AmiMessage('response', [
            ['Response', 'Error'],
            ['Message', 'No such channel'],
          ])
        : new AmiMessage('response', [
            ['Response', 'Success'],
            ['Message', 'Originate successfully queued'],
          ]);
    const orig = await enqueue(t.db, { action: 'Originate', channel: 'Local/100@default', params: { Exten: '300', Context: 'default' } });
    const hang = await enqueue(t.db, { action: 'Hangup', channel: 'SIP/9-1' });
    start();
    await settled(orig, 'SUCCESS');
    await settled(hang, 'FAILED');
    await settled(crashedSending, 'SUCCESS');
    expect((await rowById(t.db, crashedSent)).status).toBe('LOST');
    const o = await rowById(t.db, orig);
    expect(o).toMatchObject({ response: 'Success', message: 'Originate successfully queued', callerid: expect.stringMatching(/^M\d{12}0*\d+$/) });
    expect(o.action_id).toMatch(new RegExp(`^amiq-${orig}-`));
    expect(o.sent_at! <= o.response_at!).toBe(true);
    expect(await rowById(t.db, hang)).toMatchObject({ response: 'Error', message: 'No such channel' });
    const sentOrig = client.sent.find((a) => a.action === 'Originate')!;
    expect(sentOrig.actionId).toBe(o.action_id);
    expect(sentOrig.headers).toContainEqual(['CallerID', `"${o.callerid}" <${o.callerid}>`]);
    expect(sentOrig.headers).toContainEqual(['Variable', `AMIQ_ID=${orig}`]);
    expect(counts).toMatchObject({ recovered_new: 1, recovered_lost: 1, success: 2, failed: 1 });
  });

  it('timeout and connection loss → LOST, never re-sent; not connected → back to NEW and sent later', async () => {
    const errs = [new AmiTimeoutError('timeout'), new AmiConnectionLostError('lost')];
    client.autoReply = () => errs.shift() ?? new AmiMessage('response', [['Response', 'Success']]);
    const a = await enqueue(t.db, { action: 'Ping' });
    const b = await enqueue(t.db, { action: 'Ping' });
    start({ batchMax: 1 });
    await settled(a, 'LOST');
    await settled(b, 'LOST');
    expect((await rowById(t.db, a)).message).toBe('no response within 1000 ms; not re-sent');
    expect((await rowById(t.db, b)).message).toBe('connection to Asterisk lost before the response; not re-sent');

    // The connection drops between the claim and the write: the client refuses, nothing written.
    let dropNext = true;
    client.autoReply = () => new AmiMessage('response', [['Response', 'Success']]);
    const origSend = client.send.bind(client);
    client.send = (action, headers, opts) => {
      if (dropNext) {
        dropNext = false;
        return Promise.reject(new AmiNotConnectedError('not connected'));
      }
      return origSend(action, headers, opts);
    };
    const c = await enqueue(t.db, { action: 'Ping' });
    sender.wake();
    await settled(c, 'SUCCESS');
    expect(counts.released).toBe(1);
    expect(client.sent.filter((s) => s.actionId.startsWith(`amiq-${c}-`))).toHaveLength(1);
    expect(client.sent.filter((s) => s.actionId.startsWith(`amiq-${a}-`))).toHaveLength(1);
  });

  it('claims nothing while not logged in, and sends once connected', async () => {
    client.connected = false;
    const id = await enqueue(t.db, { action: 'Ping' });
    start();
    sender.wake();
    await new Promise((r) => setImmediate(r));
    expect((await rowById(t.db, id)).status).toBe('NEW');
    client.connected = true;
    client.emit('connected', { banner: 'x' });
    await settled(id, 'SUCCESS');
  });

  it('bad rows become INVALID, a Hangup of an ended call FAILED unsent, and the next good row is sent', async () => {
    const bad = await enqueue(t.db, { action: 'Originate', channel: null, params: { Exten: '1', Context: 'd' } });
    const ended = await enqueue(t.db, { action: 'Originate', channel: 'SIP/1', callerid: 'C-END', params: { Exten: '1', Context: 'd' } });
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS', call_state: 'ENDED', call_channel: 'SIP/1-01' }).where('id', '=', ended).execute();
    const live = await enqueue(t.db, { action: 'Originate', channel: 'SIP/2', callerid: 'C-UP', params: { Exten: '1', Context: 'd' } });
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS', call_state: 'UP', call_channel: 'SIP/2-02' }).where('id', '=', live).execute();
    const hangEnded = await enqueue(t.db, { action: 'Hangup', callerid: 'C-END' });
    const hangLive = await enqueue(t.db, { action: 'Hangup', callerid: 'C-UP' });
    const good = await enqueue(t.db, { action: 'Ping' });
    start();
    await settled(good, 'SUCCESS');
    await settled(hangLive, 'SUCCESS');
    expect(await rowById(t.db, bad)).toMatchObject({ status: 'INVALID', message: 'channel: required for Originate', sent_at: null });
    expect(await rowById(t.db, hangEnded)).toMatchObject({ status: 'FAILED', sent_at: null, message: expect.stringContaining('has already ended') });
    expect(client.sent.map((s) => s.action)).toEqual(['Hangup', 'Ping']);
    expect(client.sent[0]!.headers).toEqual([['Channel', 'SIP/2-02']]);
  });

  it('keeps at most max_in_flight awaiting a response; a stop awaits them, then LOST for the rest', async () => {
    client.autoReply = () => null;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await enqueue(t.db, { action: 'Ping' }));
    start({ maxInFlight: 2, drainMs: 300 });
    await until(() => client.sent.length === 2, 'two writes');
    await new Promise((r) => setTimeout(r, 50));
    expect(client.sent).toHaveLength(2);
    client.sent[0]!.resolve(new AmiMessage('response', [['Response', 'Success']]));
    await until(() => client.sent.length === 3, 'a third write once one answered');
    client.sent[1]!.resolve(new AmiMessage('response', [['Response', 'Success']]));
    await until(() => client.sent.length === 4, 'a fourth');
    stop.abort();
    await running;
    const statuses = await Promise.all(ids.map(async (id) => (await rowById(t.db, id)).status));
    expect(statuses).toEqual(['SUCCESS', 'SUCCESS', 'LOST', 'LOST', 'NEW']);
    expect((await rowById(t.db, ids[2]!)).message).toBe('sender stopped before the response arrived; not re-sent');
  });

  it('expires rows even while not logged in', async () => {
    client.connected = false;
    const old = await enqueue(t.db, { action: 'Ping', expires_at: new Date(Date.now() - 1000).toISOString() });
    start();
    await settled(old, 'EXPIRED');
    expect(client.sent).toHaveLength(0);
  });

  it('expires rows it could not send in time', async () => {
    const old = await enqueue(t.db, { action: 'Ping', expires_at: new Date(Date.now() - 1000).toISOString() });
    start();
    await settled(old, 'EXPIRED');
    expect(client.sent).toHaveLength(0);
  });
});

describe('Wakeup', () => {
  it('a wake-up given while busy is not lost', async () => {
    const w = new Wakeup();
    w.notify();
    await w.wait(60_000);
    const p = w.wait(60_000);
    w.notify();
    await p;
  });
});

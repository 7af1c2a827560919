import { afterEach, beforeEach, expect, it } from 'vitest';
import { runActionSender } from '../src/action-sender/index.js';
import { runManagerListener, type Listener } from '../src/manager-listener/index.js';
import type { AmiClient } from '../src/shared/ami/client.js';
import { defaultConfig } from '../src/shared/config/index.js';
import type { AmiqConfig } from '../src/shared/config/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { describeEngines } from './helpers/engines.js';
import { plainClient, type PlainClient } from './helpers/plain-client.js';
import { silent } from './helpers/manager-listener-helpers.js';
import { rowById } from './helpers/queue-db.js';

// The listener against the simulated PBX, with the real sender writing the Originates, on each
// engine: rows come from a client's own connection (plain driver, plain INSERT), the sender is
// woken by the engine's signal, and each kind of call must end with the right row.
const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };

describeEngines('listener end to end (simulator, asterisk-22 profile)', (t) => {
  let sim: Simulator;
  let client: PlainClient;
  let config: AmiqConfig;
  const stops: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    client = await plainClient(t);
    config = defaultConfig();
    config.ami = { ...config.ami, host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 200 };
    config.action_sender = { ...config.action_sender, rate_per_second: 0 };
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await sim.close();
    await client.close();
  });

  function startSender(): void {
    const ac = new AbortController();
    const changes = t.handle.wakeSignal({ server: 'default', intervalMs: 2 });
    const done = runActionSender({ config, db: t.db, logger: silent, signal: ac.signal, ctx, changes });
    stops.push(async () => {
      ac.abort();
      await done;
      await changes.close();
    });
  }

  /** Start the listener; resolves once it is logged in and has resynced. */
  async function startListener(): Promise<{ listener: Listener; stop: () => Promise<void> }> {
    const ac = new AbortController();
    let started!: (v: { listener: Listener; client: AmiClient }) => void;
    const ready = new Promise<{ listener: Listener; client: AmiClient }>((r) => (started = r));
    const done = runManagerListener({
      config,
      db: t.db,
      logger: silent,
      signal: ac.signal,
      ctx,
      onStarted: (listener, client) => started({ listener, client }),
    });
    const { listener, client } = await ready;
    await client.waitConnected(5_000);
    const stop = async (): Promise<void> => {
      ac.abort();
      await done;
    };
    stops.push(stop);
    return { listener, stop };
  }

  /** Bounded poll: the row reaches `pred` (nothing else can be awaited across processes' tables). */
  async function waitRow(id: number, pred: (r: QueueRow) => boolean, what: string, timeoutMs = 8_000): Promise<QueueRow> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await rowById(t.db, id);
      if (pred(r)) return r;
      if (Date.now() > until) throw new Error(`row ${id}: timed out waiting for ${what}; row is ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  const originate = (channel: string, callerid: string, params: Record<string, string> = {}): Promise<number> =>
    client.insert({ action: 'Originate', channel, callerid, params: { Exten: '300', Context: 'default', Priority: '1', ...params } });

  const final = (r: QueueRow): boolean => r.call_state === 'ENDED' || r.call_state === 'FAILED';

  it('answered, busy, congestion, no answer, bad channel, redirected and hung-up calls each end with the right row', async () => {
    await startListener();
    startSender();
    const answered = await originate('Local/100@default', 'M2611221200000000101');
    const busy = await originate('Local/400@default', 'M2611221200000000102');
    const congestion = await originate('Local/401@default', 'M2611221200000000103');
    const noAnswer = await originate('Local/500@default', 'M2611221200000000104', { Timeout: '3000' });
    const bad = await originate('Foo/bar', 'M2611221200000000105');
    const toRedirect = await originate('Local/600@default', 'M2611221200000000106');
    const toHangup = await originate('Local/600@default', 'M2611221200000000107');

    const a = await waitRow(answered, final, 'answered call to end');
    expect(a).toMatchObject({ call_state: 'ENDED', call_reason: 4, hangup_cause: 16, hangup_cause_txt: 'Normal Clearing' });
    expect(a.call_channel).toMatch(/^Local\/100@default-[0-9a-f]{8};1$/);
    expect(a.uniqueid).not.toBeNull();
    expect(a.linkedid).toBe(a.uniqueid);
    expect(a.answered_at).not.toBeNull();

    const b = await waitRow(busy, (r) => final(r) && r.hangup_cause !== null, 'busy call to end');
    expect(b).toMatchObject({ call_state: 'FAILED', call_reason: 5, hangup_cause: 17, answered_at: null });
    expect(b.call_channel).toMatch(/^Local\/400@default-[0-9a-f]{8};1$/);

    const c = await waitRow(congestion, (r) => final(r) && r.hangup_cause !== null, 'congested call to end');
    expect(c).toMatchObject({ call_state: 'FAILED', call_reason: 8, answered_at: null });
    expect(c.hangup_cause).toBeGreaterThan(0);

    const n = await waitRow(noAnswer, (r) => final(r) && r.hangup_cause !== null, 'unanswered call to end');
    expect(n).toMatchObject({ call_state: 'FAILED', call_reason: 3, answered_at: null });

    const x = await waitRow(bad, final, 'bad channel to fail');
    expect(x).toMatchObject({ call_state: 'FAILED', call_reason: 0, uniqueid: null, call_channel: null, hangup_cause: null });

    const up = await waitRow(toRedirect, (r) => r.call_state === 'UP', 'call to 600 to be up');
    await waitRow(toHangup, (r) => r.call_state === 'UP', 'second call to 600 to be up');
    const redirect = await client.insert({
      action: 'Redirect',
      channel: null,
      callerid: 'M2611221200000000106',
      params: { Exten: '700', Context: 'default', Priority: '1' },
    });
    await waitRow(redirect, (r) => r.status === 'SUCCESS', 'Redirect to be accepted');
    // Redirected, the call goes on (exten 700) on the same ;1 channel.
    expect(await rowById(t.db, toRedirect)).toMatchObject({ call_state: 'UP', call_channel: up.call_channel, uniqueid: up.uniqueid });
    const hangup = await client.insert({ action: 'Hangup', channel: null, callerid: 'M2611221200000000107' });
    await waitRow(hangup, (r) => r.status === 'SUCCESS', 'Hangup to be accepted');
    const h = await waitRow(toHangup, final, 'hung-up call to end');
    expect(h).toMatchObject({ call_state: 'ENDED', call_reason: 4 });
    expect(h.ended_at! >= h.answered_at!).toBe(true);

    // The redirected call goes on in exten 700 until it is hung up: the row follows it to the end.
    expect(sim.hangup(up.call_channel!, 16)).toBe(true);
    const r = await waitRow(toRedirect, final, 'redirected call to end');
    expect(r).toMatchObject({ call_state: 'ENDED', call_reason: 4, hangup_cause: 16, call_channel: up.call_channel, uniqueid: up.uniqueid });
  });

  it('calls that end while the listener is stopped reach ENDED when it restarts', async () => {
    const first = await startListener();
    startSender();
    const ids = [await originate('Local/600@default', 'M2611221200000000201'), await originate('Local/600@default', 'M2611221200000000202')];
    const keep = await originate('Local/600@default', 'M2611221200000000203');
    const live = [];
    for (const id of [...ids, keep]) live.push(await waitRow(id, (r) => r.call_state === 'UP', `row ${id} up`));
    await first.stop();
    for (const r of live.slice(0, 2)) expect(sim.hangup(r.call_channel!, 16)).toBe(true);
    await startListener();
    for (const id of ids) {
      const r = await waitRow(id, final, `row ${id} settled after restart`);
      expect(r).toMatchObject({ call_state: 'ENDED', hangup_cause: null, hangup_cause_txt: 'Unknown (channel gone at resync)' });
      expect(r.ended_at).not.toBeNull();
    }
    // The call still up is kept, and followed to its end by Uniqueid.
    expect((await rowById(t.db, keep)).call_state).toBe('UP');
    expect(sim.hangup(live[2]!.call_channel!, 16)).toBe(true);
    expect(await waitRow(keep, final, 'kept call to end')).toMatchObject({ call_state: 'ENDED', hangup_cause: 16 });
  });

  it('prunes its event log on the maintenance schedule', async () => {
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const fresh = new Date().toISOString();
    for (const time of [old, fresh]) {
      await t.db
        .insertInto('manager_events')
        .values({ server: 'default', time, event: 'Hangup', uniqueid: null, channel: null, queue_id: null, headers: '[]' })
        .execute();
    }
    config.maintenance = { ...config.maintenance, schedule: '* * * * * *', prune_after_days: 30 };
    await startListener();
    const times = async (): Promise<string[]> => (await t.db.selectFrom('manager_events').select('time').execute()).map((r) => r.time);
    const deadline = Date.now() + 5_000;
    while ((await times()).includes(old) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(await times()).toEqual([fresh]);
  });
});

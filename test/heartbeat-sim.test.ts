import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { AmiClient } from '../src/shared/ami/client.js';
import { defaultConfig } from '../src/shared/config/index.js';
import { migrateToLatest, openSqlite, type OpenSqlite } from '../src/shared/db/index.js';
import { isoNow } from '../src/shared/time.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { decodeFrame, type DecodedFrame } from '../src/shared/heartbeat-protocol/frame.js';
import { runHeartbeat, type HeartbeatModes } from '../src/heartbeat/index.js';
import type { HeartbeatSettings } from '../src/heartbeat/settings.js';
import { ProbeSocket } from '../src/shared/heartbeat-protocol/probe-client.js';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Running {
  sim: Simulator | undefined;
  db: OpenSqlite;
  probe: ProbeSocket;
  address: AddressInfo;
  counters: Map<string, number>;
  ask(): Promise<DecodedFrame>;
  /** Asks until `pred` holds: the AMI events reach the heartbeat's own connection, nothing to await. */
  until(pred: (f: DecodedFrame) => boolean, what: string): Promise<DecodedFrame>;
}

async function start(
  opts: { profile?: 'asterisk-22' | 'asterisk-1.4'; modes?: HeartbeatModes; settings?: Partial<HeartbeatSettings>; noSim?: boolean } = {},
): Promise<Running> {
  const sim = opts.noSim ? undefined : await startSimulator({ port: 0, timeScale: 0.01, profile: opts.profile ?? 'asterisk-22', logger });
  if (sim) cleanups.push(() => sim.close());
  const dir = mkdtempSync(join(tmpdir(), 'amiq-heartbeat-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openSqlite(join(dir, 'amiq.db'));
  cleanups.push(() => db.close());
  await migrateToLatest(db.db);
  const probe = await ProbeSocket.open({ replyPort: 0, host: '127.0.0.1', bind: '127.0.0.1', recvBufferBytes: 1 << 22 });
  cleanups.push(() => probe.close());
  const config = defaultConfig();
  config.ami = { ...config.ami, host: '127.0.0.1', port: sim?.port ?? 1, secret: 'amiq', reconnect_min_ms: 50, reconnect_max_ms: 200 };
  config.workers.beat_seconds = 1;
  const counters = new Map<string, number>();
  const abort = new AbortController();
  let listening!: (a: AddressInfo) => void;
  const listeningP = new Promise<AddressInfo>((r) => (listening = r));
  const done = runHeartbeat({
    config,
    db: db.db,
    logger,
    signal: abort.signal,
    ctx: { count: (name, n = 1) => counters.set(name, (counters.get(name) ?? 0) + n), setAmiState: () => undefined },
    modes: opts.modes ?? {},
    settings: { bind: '127.0.0.1', port: 0, replyPort: probe.port, ...opts.settings },
    onListening: listening,
  });
  cleanups.push(async () => {
    abort.abort();
    await done;
  });
  const address = await Promise.race([listeningP, done.then(() => Promise.reject(new Error('heartbeat ended early')))]);
  const ask = async (): Promise<DecodedFrame> => {
    const reply = probe.nextReply(5000);
    probe.send('127.0.0.1', address.port);
    return decodeFrame((await reply).frame);
  };
  const until = async (pred: (f: DecodedFrame) => boolean, what: string): Promise<DecodedFrame> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const f = await ask();
      if (pred(f)) return f;
      if (Date.now() > deadline) throw new Error(`heartbeat never showed ${what}; last ${JSON.stringify({ ...f, value: f.value.toString() })}`);
      await new Promise((r) => setImmediate(r));
    }
  };
  return { sim, db, probe, address, counters, ask, until };
}

async function originate(sim: Simulator, channel: string): Promise<void> {
  const client = new AmiClient({ host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', events: 'off', logger, pingIntervalMs: 0 });
  client.start();
  try {
    await client.waitConnected(5000);
    const res = await client.send('Originate', { Channel: channel, Exten: '600', Context: 'default', Priority: '1', Async: 'true' });
    expect(res.headers).toContainEqual(['Response', 'Success']);
  } finally {
    await client.stop();
  }
}

async function beat(db: OpenSqlite, at: string): Promise<void> {
  await db.db
    .insertInto('workers')
    .values({ server: 'default', name: 'meetme-cleaner', pid: 1, host: 'test', started_at: at, beat_at: at, state: 'running', ami_state: 'connected' })
    .onConflict((oc) => oc.columns(['server', 'name']).doUpdateSet({ beat_at: at }))
    .execute();
}

describe('heartbeat against the simulator', () => {
  it('an Originate to DAHDI/<c> lights channel c over UDP, and its hangup clears it', async () => {
    const hb = await start();
    expect((await hb.until((f) => f.channels.length === 0, 'an empty span')).reservedBitsSet).toBe(false);
    await originate(hb.sim!, 'DAHDI/5');
    await originate(hb.sim!, 'DAHDI/g1/17');
    const lit = await hb.until((f) => f.channels.includes(5) && f.channels.includes(17), 'channels 5 and 17');
    expect(lit.channels).toEqual([5, 17]);
    expect(lit.value).toBe((1n << 4n) | (1n << 15n));
    expect(hb.sim!.hangup('DAHDI/5-1')).toBe(true);
    expect((await hb.until((f) => !f.channels.includes(5), 'channel 5 cleared')).channels).toEqual([17]);
  });

  it('1.4 (no CoreShowChannels): Zap/<c>-1 from the concise CLI listing and events', async () => {
    const hb = await start({ profile: 'asterisk-1.4', settings: { resyncMs: 100, staleMs: 5000 } });
    await hb.until((f) => f.channels.length === 0, 'an empty span');
    await originate(hb.sim!, 'Zap/31');
    await hb.until((f) => f.channels.includes(31), 'channel 31');
    await hb.sim!.waitForAction((a) => a.action.toLowerCase() === 'command');
    expect(hb.sim!.actionCount('CoreShowChannels')).toBe(1); // tried once, then the CLI form
  });

  it('bit 63 follows the meetme-cleaner beat in the workers table', async () => {
    const hb = await start({ settings: { cleanerRefreshMs: 50 } });
    expect((await hb.ask()).cleanerAlive).toBe(false);
    await beat(hb.db, isoNow());
    await hb.until((f) => f.cleanerAlive, 'the cleaner alive');
    await beat(hb.db, isoNow(Date.now() - 60_000));
    await hb.until((f) => !f.cleanerAlive, 'the cleaner dead');
  });

  it('reports channels down once AMI is gone past the staleness limit, and keeps answering', async () => {
    const hb = await start({ settings: { resyncMs: 100, staleMs: 600 } });
    await originate(hb.sim!, 'DAHDI/2');
    await hb.until((f) => f.channels.includes(2), 'channel 2');
    await hb.sim!.close();
    const after = await hb.until((f) => f.channels.length === 0, 'channels down after the outage');
    expect(after.reservedBitsSet).toBe(false);
  });

  it('a flood of 20,000 requests: every one answered, AMI load bounded', async () => {
    const hb = await start();
    await originate(hb.sim!, 'DAHDI/9');
    await hb.until((f) => f.channels.includes(9), 'channel 9');
    const before = hb.sim!.actions.length;
    const total = 20_000;
    const window = 200;
    let sent = 0;
    let received = 0;
    let wrong = 0;
    await new Promise<void>((resolve) => {
      hb.probe.on('reply', ({ frame }: { frame: Buffer }) => {
        received++;
        if (!decodeFrame(frame).channels.includes(9)) wrong++;
        if (received === total) resolve();
        else if (sent < total) {
          sent++;
          hb.probe.send('127.0.0.1', hb.address.port);
        }
      });
      for (; sent < window; sent++) hb.probe.send('127.0.0.1', hb.address.port);
    });
    hb.probe.removeAllListeners('reply');
    expect(received).toBe(total);
    expect(wrong).toBe(0);
    // Whatever the request rate, AMI sees only the periodic listing and keepalive Pings.
    expect(hb.sim!.actions.length - before).toBeLessThanOrEqual(6);
    expect(hb.counters.get('requests')).toBeGreaterThanOrEqual(total);
  });
});

describe('heartbeat test modes need no Asterisk', () => {
  it('-l walks the 30 positions in order through UDP', async () => {
    const hb = await start({ noSim: true, modes: { loop: true } });
    const positions: number[][] = [];
    for (let i = 0; i < 30; i++) positions.push((await hb.ask()).positions);
    expect(positions).toEqual(Array.from({ length: 30 }, (_, i) => [i + 1]));
  });

  it('-t answers random frames with reserved bits zero', async () => {
    const hb = await start({ noSim: true, modes: { test: true, debug: true } });
    for (let i = 0; i < 10; i++) expect((await hb.ask()).reservedBitsSet).toBe(false);
  });
});

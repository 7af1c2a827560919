import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runManagerListener, type Listener } from '../src/manager-listener/index.js';
import type { AmiClient } from '../src/shared/ami/client.js';
import { AmiFrameError } from '../src/shared/ami/errors.js';
import { defaultConfig } from '../src/shared/config/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

// A peer that sends malformed frames without end must not flood the log: 12 MB of them once
// wrote 111 MB of warnings. Frames per warning line stay bounded, and what was not written is counted.
let sim: Simulator;
let t: TestDb;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, timeScale: 0.01 });
  t = await openTestDb();
});
afterEach(async () => {
  await sim.close();
  await t.close();
});

describe('listener: a garbled peer', () => {
  it('20,000 malformed frames: a handful of warning lines, and summaries that count the rest', async () => {
    const FRAMES = 20_000;
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    const config = defaultConfig();
    config.ami = { ...config.ami, host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq' };
    const ac = new AbortController();
    let started!: (c: AmiClient) => void;
    const ready = new Promise<AmiClient>((r) => (started = r));
    const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };
    const done = runManagerListener({ config, db: t.db, logger, signal: ac.signal, ctx, onStarted: (_l: Listener, c) => started(c) });
    const client = await ready;
    await client.waitConnected(5_000);
    let frameErrors = 0;
    const all = new Promise<void>((resolve) =>
      client.on('error', (e: Error) => {
        if (e instanceof AmiFrameError && ++frameErrors === FRAMES) resolve();
      }),
    );
    const before = lines.length;
    sim.faults.sendGarbage('not AMI at all: \u0001\r\n\r\n'.repeat(FRAMES));
    await all;
    ac.abort();
    await done;
    const about = lines.slice(before).filter((l) => /AMI/.test(String(l['msg'])) && !/connection|stopped|reconnect/i.test(String(l['msg'])));
    // Two places report a frame error (the AMI client, the listener's error handler): each at
    // most its burst and one summary per 10 s interval.
    expect(about.length).toBeLessThanOrEqual(2 * (5 + 2));
    const written = about.filter((l) => l['suppressed'] === undefined).length;
    const suppressed = about.reduce((n, l) => n + Number(l['suppressed'] ?? 0), 0);
    expect(written + suppressed).toBe(2 * FRAMES);
  });
});

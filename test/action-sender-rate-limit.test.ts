import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RateLimit } from '../src/action-sender/rate-limit.js';
import { enqueue } from '../src/shared/queue/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';
import { silent, startRealSender, until } from './helpers/action-sender-helpers.js';

/** Most sends inside any half-open window [t, t + windowMs) of sorted times. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** A greedy sender on a fake clock: every `stepMs` it sends all it may (at most `batchMax`). */
function drive(limit: RateLimit, untilMs: number, stepMs: number, batchMax = Number.POSITIVE_INFINITY): number[] {
  const sent: number[] = [];
  for (let now = 0; now < untilMs; now += stepMs) {
    const n = Math.min(limit.available(now), batchMax);
    if (n < 1) continue;
    limit.take(n, now);
    for (let i = 0; i < n; i++) sent.push(now);
  }
  return sent;
}

describe('RateLimit (fake clock)', () => {
  it.each([
    [100, 1],
    [100, 0.25],
    [50, 3],
    [7, 1],
    [1000, 0.5],
  ])('rate %i/s, a sender looking every %f ms: no 1000 ms window holds more than N sends, and N/s do leave', (rate, stepMs) => {
    const sent = drive(new RateLimit(rate, 0), 5_000, stepMs);
    expect(maxInWindow(sent, 1000)).toBeLessThanOrEqual(rate);
    // Not throttled below the limit: 5 s carry (almost) 5 N.
    expect(sent.length).toBeGreaterThanOrEqual(5 * rate - Math.ceil(rate / 20) - 2);
  });

  it('a backlog leaves as an even stream: no 100 ms holds more than a tenth of N plus the small burst', () => {
    const rate = 100;
    const sent = drive(new RateLimit(rate, 0), 3_000, 1);
    expect(maxInWindow(sent, 100)).toBeLessThanOrEqual(rate / 10 + Math.ceil(rate / 20));
  });

  it('the (N+1)th send waits until the oldest of the last N is a second old, whatever the bucket holds', () => {
    const limit = new RateLimit(100, 0);
    limit.take(5, 0); // the burst
    for (let at = 10; at <= 950; at += 10) {
      expect(limit.available(at)).toBeGreaterThanOrEqual(1);
      limit.take(1, at);
    }
    // 100 sends in [0, 950]: the bucket has a token again at 960, the window does not.
    expect(limit.available(960)).toBe(0);
    expect(limit.msUntilNext(960)).toBe(40);
    expect(limit.available(1000)).toBeGreaterThanOrEqual(1);
  });

  it('0 is unlimited', () => {
    const u = new RateLimit(0, 0);
    expect(u.available(0)).toBe(Number.POSITIVE_INFINITY);
    expect(u.msUntilNext(0)).toBe(0);
  });
});

describe('rate_per_second through the real sender (simulator)', () => {
  let sim: Simulator;
  let t: TestDb;
  beforeEach(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    t = await openTestDb();
  });
  afterEach(async () => {
    await sim.close();
    await t.cleanup();
  });

  it('a backlog of 130 Pings at 50/s: at most 50 let through in any second, each received once', async () => {
    const rate = 50;
    const ids = new Set<string>();
    for (let i = 0; i < 130; i++) await enqueue(t.db, { action: 'Ping', channel: null, callerid: null });
    const sender = await startRealSender(t, sim.port, (c) => (c.action_sender.rate_per_second = rate));
    try {
      await until(
        async () => {
          const rows = await t.db.selectFrom('manager_queue').select(['action_id', 'status']).execute();
          for (const r of rows) if (r.action_id) ids.add(r.action_id);
          return rows.every((r) => r.status === 'SUCCESS');
        },
        'every Ping answered',
        10_000,
      );
    } finally {
      await sender.stop();
    }
    // Every Ping reached Asterisk once. The limit is judged where the sender applies it: each
    // row's sent_at, the moment it was let through. The simulator's receive times add this
    // process's event-loop delays, which a loaded test machine stretches past any margin.
    const received = sim.actions.filter((a) => a.actionId !== undefined && ids.has(a.actionId));
    expect(received).toHaveLength(130);
    const rows = await t.db.selectFrom('manager_queue').select('sent_at').execute();
    const sentAt = rows.map((r) => Date.parse(r.sent_at!)).sort((a, b) => a - b);
    expect(maxInWindow(sentAt, 1000)).toBeLessThanOrEqual(rate);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Listener } from '../src/manager-listener/listener.js';
import { captureEvents, seedSent, silent } from './helpers/manager-listener-helpers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

let t: TestDb;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => {
  await t.close();
});

/** Feed a call's events back to back, the clock moving `stepMs` per event, never yielding to timers. */
async function storm(stepMs: number): Promise<Listener> {
  await seedSent(t.db, { action_id: 'amiq-1-6zx0d5', callerid: 'AMIQ-1' });
  let clock = 1_000_000;
  const listener = new Listener({ db: t.db, server: 'default', eventLog: 'all', logger: silent, flushMs: 10, now: () => clock });
  for (const e of captureEvents('asterisk-22/originate-amiq-id.received.txt')) {
    await listener.onEvent(e);
    clock += stepMs;
  }
  return listener;
}

describe('listener batches in a storm', () => {
  it('writes a batch once it is flushMs old, though its timer cannot fire while events keep coming', async () => {
    const listener = await storm(4);
    // 32 events 4 ms apart: a batch is 12 ms old at its fourth event, and written then.
    expect(listener.stats.flushes).toBe(8);
    const logged = await t.db
      .selectFrom('manager_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(logged.n)).toBe(32);
    await listener.close();
  });

  it('holds the batch while the clock stands still (only maxBatch or the timer write it)', async () => {
    const listener = await storm(0);
    expect(listener.stats.flushes).toBe(0);
    await listener.close();
    expect(listener.stats.flushes).toBe(1);
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Listener } from '../src/manager-listener/listener.js';
import { callColumns, captureEvents, eventLogCount, row, seedSent, silent } from './helpers/manager-listener-helpers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

// The database write-locked by another process while a call's events arrive: the listener's
// flushes fail, and must keep (and merge) what they could not write, and write it once they can.
const CAPTURE = 'asterisk-22/originate-amiq-id.received.txt';
const events = captureEvents(CAPTURE);
/** The row the capture's call belongs to (AMIQ_ID=42). */
const SEED = { id: 42, callerid: null, action_id: 'amiq-42' };

let t: TestDb;
let other: BetterSqlite3.Database;
beforeEach(async () => {
  t = await openTestDb();
  // A lock held longer than the listener's connection waits (5 s in production; 50 ms here, so
  // the code before this fix fails fast too).
  t.sqlite.pragma('busy_timeout = 50');
  other = new BetterSqlite3(t.path);
});
afterEach(async () => {
  other.close();
  await t.cleanup();
});

const lock = (): void => void other.exec('BEGIN IMMEDIATE');
const unlock = (): void => void other.exec('COMMIT');

function newListener(opts: { maxPendingLog?: number; maxBatch?: number } = {}): Listener {
  // The clock stands still: only explicit flushes write, so the test decides when.
  return new Listener({ db: t.db, server: 'default', eventLog: 'all', logger: silent, flushMs: 60_000, now: () => 1_000_000, ...opts });
}

/** The row as the whole capture leaves it with nothing locked. */
async function truth(): Promise<ReturnType<typeof callColumns>> {
  const ref = await openTestDb();
  try {
    const id = await seedSent(ref.db, SEED);
    const l = new Listener({ db: ref.db, server: 'default', eventLog: 'all', logger: silent });
    for (const e of events) await l.onEvent(e);
    await l.close();
    return callColumns(await row(ref.db, id));
  } finally {
    await ref.cleanup();
  }
}

describe('listener with the database write-locked', () => {
  it('a failed flush keeps its call updates and event log rows; once the lock is gone the row is the truth', async () => {
    const expected = await truth();
    expect(expected.call_state).toBe('ENDED');
    const id = await seedSent(t.db, SEED);
    const listener = newListener();
    const half = Math.floor(events.length / 2);
    for (const e of events.slice(0, half)) await listener.onEvent(e);
    await listener.flush();
    const before = callColumns(await row(t.db, id));
    lock();
    for (const e of events.slice(half)) await listener.onEvent(e);
    // Code that threw here had already dropped the batch.
    expect(await listener.flush().catch(() => false)).toBe(false);
    expect(callColumns(await row(t.db, id))).toEqual(before);
    unlock();
    await listener.flush();
    expect(callColumns(await row(t.db, id))).toEqual(expected);
    expect((await eventLogCount(t.db)).total).toBe(events.length);
    expect(listener.stats.flushesFailed).toBe(1);
    await listener.close();
  });

  it('updates queued across many failed flushes merge forward-only with those kept', async () => {
    const expected = await truth();
    const id = await seedSent(t.db, SEED);
    const listener = newListener();
    lock();
    for (const e of events) {
      await listener.onEvent(e);
      expect(await listener.flush().catch(() => false)).toBe(false);
    }
    expect((await row(t.db, id)).call_state).toBeNull();
    unlock();
    await listener.flush();
    expect(callColumns(await row(t.db, id))).toEqual(expected);
    expect((await eventLogCount(t.db)).total).toBe(events.length);
    await listener.close();
  });

  it('past maxPendingLog the oldest event log rows are shed and counted; call updates never are', async () => {
    const expected = await truth();
    const id = await seedSent(t.db, SEED);
    const listener = newListener({ maxPendingLog: 10 });
    lock();
    for (const e of events) {
      await listener.onEvent(e);
      await listener.flush();
    }
    unlock();
    await listener.close();
    expect(callColumns(await row(t.db, id))).toEqual(expected);
    expect(listener.stats.logShed).toBe(events.length - 10);
    expect((await eventLogCount(t.db)).total).toBe(10);
    // The newest were kept: the last event logged is the capture's last.
    const last = await t.db.selectFrom('manager_events').select('event').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(last.event).toBe(events.at(-1)!.headers.find(([k]) => k === 'Event')![1]);
  });

  it('a backlog is written maxBatch event log rows per transaction, the event loop free between them', async () => {
    await seedSent(t.db, SEED);
    const listener = newListener({ maxBatch: 5 });
    lock();
    for (const e of events) await listener.onEvent(e);
    expect(await listener.flush()).toBe(false);
    unlock();
    expect(await listener.flush()).toBe(true);
    expect(listener.stats.flushes).toBe(1);
    expect((await eventLogCount(t.db)).total).toBe(5);
    await listener.close();
    expect(listener.stats.flushes).toBe(Math.ceil(events.length / 5));
    expect((await eventLogCount(t.db)).total).toBe(events.length);
  });
});

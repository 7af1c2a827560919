import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../src/http/change-feed/change-feed.js';
import { GapTracker } from '../src/http/change-feed/gap-tracker.js';
import { serveSse } from '../src/http/change-feed/sse-client.js';
import { describeEngines } from './helpers/engines.js';
import { SseReader } from './helpers/sse-reader.js';

describe('GapTracker', () => {
  it('passes changes in order, holds those after a hole until it fills or has waited long enough', () => {
    const g = new GapTracker(1000);
    expect(g.passable(10, [11, 12], 0)).toBe(2);
    // 13 not seen (yet): 14 and 15 wait.
    expect(g.passable(12, [14, 15], 0)).toBe(0);
    expect(g.waiting).toBe(true);
    expect(g.passable(12, [14, 15], 999)).toBe(0);
    // 13 committed meanwhile: all pass, in order.
    expect(g.passable(12, [13, 14, 15], 500)).toBe(3);
    expect(g.waiting).toBe(false);
    // A hole that never fills (a rolled-back transaction) is passed once it has waited.
    expect(g.passable(15, [17], 2000)).toBe(0);
    expect(g.passable(15, [17], 2999)).toBe(0);
    expect(g.passable(15, [17], 3000)).toBe(1);
    // Each hole waits on its own clock: 18 passes, then the stop at 20 (19 missing) is new.
    expect(g.passable(17, [18, 20], 3000)).toBe(1);
    expect(g.passable(18, [20], 3500)).toBe(0);
  });

  it('with no wait (SQLite) a hole never holds anything', () => {
    expect(new GapTracker(0).passable(1, [5, 9], 0)).toBe(2);
  });
});

describeEngines('change feed', (t) => {
  let server: ReturnType<typeof createServer>;
  let feed: ChangeFeed;
  const closing = new AbortController();

  beforeAll(async () => {
    // Holes wait 30 s at most: longer than any test here, so a hole passed sooner was known to be for ever.
    feed = new ChangeFeed({ db: t.db, changes: undefined, pollMs: 10, gapWaitMs: 30_000, logger: pino({ level: 'silent' }) });
    await feed.start();
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void serveSse({ feed, db: t.db, res, filter: {}, after: feed.cursor, heartbeatMs: 30, signal: closing.signal });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    closing.abort();
    feed.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a quiet stream gets heartbeat comments; a polled change arrives without a wake-up signal', async () => {
    const r = await SseReader.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {});
    try {
      await r.until((x) => x.comments.filter((c) => c === 'heartbeat').length >= 2);
      const id = await t.handle.dialect.insertId(t.db.insertInto('manager_queue').values({ action: 'Ping' }));
      await r.until((x) => x.events.length >= 1);
      expect(r.rows<{ id: number }>()[0]!.id).toBe(id);
    } finally {
      r.close();
    }
  });

  it('the ring keeps at most ringSize changes and about ringBytes of events', async () => {
    const small = new ChangeFeed({ db: t.db, changes: undefined, pollMs: 10, gapWaitMs: 0, logger: pino({ level: 'silent' }), ringSize: 5, ringBytes: 3000 });
    await small.start();
    try {
      const start = small.cursor;
      const until = (seq: number) =>
        new Promise<void>((resolve) => {
          const check = () => (small.cursor >= seq ? resolve() : setTimeout(check, 5));
          check();
        });
      for (let i = 0; i < 8; i++) await t.db.insertInto('manager_queue').values({ action: 'Ping' }).execute();
      await until(start + 8);
      expect(small.since(small.ringStart)?.length).toBe(5);
      expect(small.since(start + 2)).toBeUndefined();
      // Rows with ~1 kB params: three of them fill 3,000 bytes.
      const big = JSON.stringify({ Variable: 'X='.padEnd(1000, 'x') });
      for (let i = 0; i < 4; i++) await t.db.insertInto('manager_queue').values({ action: 'Ping', params: big }).execute();
      await until(start + 12);
      const kept = small.since(small.ringStart)!;
      expect(kept.length).toBeLessThanOrEqual(3);
      expect(kept.at(-1)!.seq).toBe(start + 12);
    } finally {
      small.stop();
    }
  });

  it('the ring serves readers from memory; one behind it reads the log', async () => {
    const caughtUp = (seq: number) =>
      new Promise<void>((resolve) => {
        const check = () => (feed.cursor >= seq ? resolve() : setTimeout(check, 5));
        check();
      });
    // Earlier tests' changes may still be on their way to the feed: start from the log's end.
    const last = await t.db
      .selectFrom('manager_queue_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    const before = Number(last.seq ?? 0);
    await caughtUp(before);
    for (let i = 0; i < 3; i++) await t.db.insertInto('manager_queue').values({ action: 'Ping' }).execute();
    await caughtUp(before + 3);
    expect(feed.since(before)?.map((e) => e.seq)).toEqual([before + 1, before + 2, before + 3]);
    expect(feed.since(feed.ringStart - 1)).toBeUndefined();
  });

  // Server engines take a seq at write time but show it at commit: a later seq may commit first.
  it.runIf(t.engine !== 'sqlite')('a change committed before an earlier-numbered one waits for it, then both arrive in seq order', async () => {
    const other = await t.openAnother();
    const r = await SseReader.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {});
    try {
      await r.until((x) => x.comments.length > 0);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let heldId = 0;
      let taken!: () => void;
      const seqTaken = new Promise<void>((resolve) => (taken = resolve));
      const held = other.db.transaction().execute(async (trx) => {
        heldId = await other.dialect.insertId(trx.insertInto('manager_queue').values({ action: 'Ping', tag: 'first' }));
        taken();
        await gate;
      });
      await seqTaken;
      const laterId = await t.handle.dialect.insertId(t.db.insertInto('manager_queue').values({ action: 'Ping', tag: 'second' }));
      // The later change is committed and readable, but the feed holds it while the earlier seq is open.
      const logged = await t.db.selectFrom('manager_queue_changes').select('queue_id').where('queue_id', '=', laterId).execute();
      expect(logged.length).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(r.events.length).toBe(0);
      release();
      await held;
      await r.until((x) => x.events.length >= 2);
      expect(r.rows<{ id: number }>().map((row) => row.id)).toEqual([heldId, laterId]);
      const seqs = r.events.map((e) => Number(e.id));
      expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    } finally {
      r.close();
      await other.close();
    }
  });

  it.runIf(t.engine === 'postgres')('a hole a rolled-back transaction left is passed once that transaction has ended, without waiting it out', async () => {
    const other = await t.openAnother();
    const r = await SseReader.open(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {});
    try {
      await r.until((x) => x.comments.length > 0);
      let abort!: () => void;
      const gate = new Promise<void>((resolve) => (abort = resolve));
      let taken!: () => void;
      const seqTaken = new Promise<void>((resolve) => (taken = resolve));
      const rolledBack = other.db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('manager_queue').values({ action: 'Ping', tag: 'rolled back' }).execute();
          taken();
          await gate;
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await seqTaken;
      const laterId = await t.handle.dialect.insertId(t.db.insertInto('manager_queue').values({ action: 'Ping', tag: 'kept' }));
      abort();
      await rolledBack;
      // Well inside the 30 s wait: the feed saw the holder end.
      await r.until((x) => x.events.length >= 1, 10_000);
      expect(r.rows<{ id: number; tag: string }>()).toEqual([expect.objectContaining({ id: laterId, tag: 'kept' })]);
    } finally {
      r.close();
      await other.close();
    }
  });
});

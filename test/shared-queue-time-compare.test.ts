import { describe, expect, it } from 'vitest';
import { claimRows, expireRows, nextNotBefore } from '../src/shared/queue/index.js';
import { openTestDb, rowById } from './helpers/queue-db.js';

const at = (iso: string): number => new Date(iso).getTime();

describe('claim, expiry and wake-up compare instants, never text', () => {
  // 09:30Z. Each time below sorts as text on the wrong side of it.
  const now = at('2026-12-06T09:30:00Z');
  const ttlSeconds = 60;

  it('offsets and the datetime() form are read as the instants they name', async () => {
    const t = await openTestDb();
    try {
      const ins = t.sqlite.prepare(`INSERT INTO manager_queue (action, not_before, expires_at, created_at) VALUES ('Ping', ?, ?, ?)`);
      const add = (nb: string | null, ex: string | null, created = '2026-12-06T09:29:50Z'): number => Number(ins.run(nb, ex, created).lastInsertRowid);
      const dueByOffset = add('2026-12-06T10:00:00+02:00', null); // 08:00Z: due, though "10:00" > "09:30"
      const notDueByOffset = add('2026-12-06T05:00:00-05:00', null); // 10:00Z: not due, though "05:00" < "09:30"
      const expiresLaterSqlite = add(null, '2026-12-06 10:00:00'); // 10:00Z: alive, though "… " < "…T"
      const expiredByOffset = add(null, '2026-12-06T10:00:00+02:00'); // 08:00Z: past
      const createdSqlite = add(null, null, '2026-12-06 09:29:30'); // 30 s old, ttl 60: alive, though "… " < "…T"
      const createdLongAgoOffset = add(null, null, '2026-12-06T11:00:00+02:00'); // 09:00Z: 30 min old, ttl 60: expired

      expect(await nextNotBefore(t.db, 'default', now)).toBe(at('2026-12-06T10:00:00Z'));
      expect(await expireRows(t.db, { server: 'default', ttlSeconds, now })).toBe(2);
      expect(await rowById(t.db, expiredByOffset)).toMatchObject({ status: 'EXPIRED', message: 'not sent before expires_at 2026-12-06T10:00:00+02:00' });
      expect(await rowById(t.db, createdLongAgoOffset)).toMatchObject({ status: 'EXPIRED', message: 'not sent within ttl_seconds=60 of created_at' });
      const claimed = await claimRows(t.db, { server: 'default', limit: 10, ttlSeconds, now });
      expect(claimed.map((r) => r.id)).toEqual([dueByOffset, expiresLaterSqlite, createdSqlite]);
      expect((await rowById(t.db, notDueByOffset)).status).toBe('NEW');
    } finally {
      await t.cleanup();
    }
  });

  it('a scheduled row without expires_at expires ttl after its not_before, never before it was due', async () => {
    const t = await openTestDb();
    try {
      const ins = t.sqlite.prepare(`INSERT INTO manager_queue (action, not_before, created_at) VALUES ('Ping', ?, ?)`);
      const iso = (ms: number): string => new Date(ms).toISOString();
      const add = (nb: number, created: number): number => Number(ins.run(iso(nb), iso(created)).lastInsertRowid);
      const dueRecently = add(now - 30_000, now - 3_600_000); // created an hour ago, due 30 s ago: sendable
      const dueLongAgo = add(now - 90_000, now - 3_600_000); // due 90 s ago, ttl 60: expired
      const dueLater = add(now + 600_000, now - 3_600_000); // not yet due: waits, never expires early
      expect(await expireRows(t.db, { server: 'default', ttlSeconds, now })).toBe(1);
      expect(await rowById(t.db, dueLongAgo)).toMatchObject({
        status: 'EXPIRED',
        message: `not sent within ttl_seconds=60 of not_before ${iso(now - 90_000)}`,
      });
      expect((await claimRows(t.db, { server: 'default', limit: 10, ttlSeconds, now })).map((r) => r.id)).toEqual([dueRecently]);
      expect((await rowById(t.db, dueLater)).status).toBe('NEW');
      // Sendable until its not_before + ttl, expired from that instant on.
      expect(await expireRows(t.db, { server: 'default', ttlSeconds, now: now + 659_999 })).toBe(0);
      expect(await expireRows(t.db, { server: 'default', ttlSeconds, now: now + 660_000 })).toBe(1);
    } finally {
      await t.cleanup();
    }
  });

  it('a row whose time names no instant is claimed at once (to become INVALID), never waits or expires', async () => {
    const t = await openTestDb();
    try {
      const ins = t.sqlite.prepare(`INSERT INTO manager_queue (action, not_before, expires_at, created_at) VALUES ('Ping', ?, ?, ?)`);
      const created = '2026-12-06T09:29:50Z';
      const ids = [
        ins.run('tomorrow', null, created), // as text, after now: would wait forever
        ins.run('2026-12-06T11:00:00', null, created), // zone-less: would wait as text
        ins.run(null, '2020-01-01', created), // date alone, long past: would expire as text
        ins.run('2026-12-06T09:00:00Z', '2026-02-30 10:00:00', created), // a day that does not exist
        ins.run(null, null, 'yesterday'),
        ins.run('2099-01-01T00:00:00Z', 'soon', created), // far from due, yet its expires_at is unreadable
      ].map((r) => Number(r.lastInsertRowid));
      expect(await nextNotBefore(t.db, 'default', now)).toBe(at('2099-01-01T00:00:00Z'));
      expect(await expireRows(t.db, { server: 'default', ttlSeconds, now: now + 365 * 86_400_000 })).toBe(0);
      expect((await claimRows(t.db, { server: 'default', limit: 10, ttlSeconds, now })).map((r) => r.id)).toEqual(ids);
    } finally {
      await t.cleanup();
    }
  });
});

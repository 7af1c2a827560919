import { expect, it } from 'vitest';
import { isoNow } from '../src/shared/time.js';
import { claimRows, enqueue } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

describeEngines('claimRows', (t) => {
  const claim = (limit: number, server = 'default', now?: number) => claimRows(t.db, { server, limit, ttlSeconds: 60, now });

  it('takes NEW rows of its server, priority first then id, up to the limit, and marks them SENDING', async () => {
    const low1 = await enqueue(t.db, { action: 'Ping' });
    const high = await enqueue(t.db, { action: 'Ping', priority: 9 });
    const low2 = await enqueue(t.db, { action: 'Ping' });
    await enqueue(t.db, { action: 'Ping', server: 'other', priority: 99 });
    const rows = await claim(2);
    expect(rows.map((r) => r.id)).toEqual([high, low1]);
    expect(rows.every((r) => r.status === 'SENDING')).toBe(true);
    expect((await rowById(t.db, low2)).status).toBe('NEW');
    expect((await claim(10)).map((r) => r.id)).toEqual([low2]);
    expect(await claim(10)).toEqual([]);
  });

  it('never takes a row twice, nor rows in other states', async () => {
    const id = await enqueue(t.db, { action: 'Ping' });
    await t.db.updateTable('manager_queue').set({ status: 'CANCELLED' }).where('id', '=', id).execute();
    expect(await claim(5)).toEqual([]);
    const id2 = await enqueue(t.db, { action: 'Ping' });
    const [a, b] = await Promise.all([claim(5), claim(5)]);
    expect([...a!, ...b!].map((r) => r.id)).toEqual([id2]);
  });

  it('waits for not_before and skips rows past expires_at or created_at + ttl', async () => {
    const now = Date.now();
    const later = await enqueue(t.db, { action: 'Ping', not_before: isoNow(now + 30_000) });
    const due = await enqueue(t.db, { action: 'Ping', not_before: isoNow(now - 1) });
    await enqueue(t.db, { action: 'Ping', expires_at: isoNow(now - 1) });
    const ttlOld = await enqueue(t.db, { action: 'Ping' });
    await t.setTime('manager_queue', { id: ttlOld }, 'created_at', isoNow(now - 61_000));
    const longLived = await enqueue(t.db, { action: 'Ping', expires_at: isoNow(now + 3_600_000) });
    await t.setTime('manager_queue', { id: longLived }, 'created_at', isoNow(now - 120_000));
    expect((await claim(10, 'default', now)).map((r) => r.id)).toEqual([due, longLived]);
    expect((await claim(10, 'default', now + 31_000)).map((r) => r.id)).toEqual([later]);
  });

  it('returns the claimed rows with their times as ISO text, as every engine reads them', async () => {
    const at = '2026-12-06T09:30:00.123Z';
    await enqueue(t.db, { action: 'Ping', not_before: at });
    const [row] = await claim(1, 'default', Date.parse(at));
    expect(row).toMatchObject({ not_before: at, expires_at: null, status: 'SENDING', priority: 0 });
    expect(row!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof row!.id).toBe('number');
  });

  it('a limit of 0 claims nothing', async () => {
    await enqueue(t.db, { action: 'Ping' });
    expect(await claim(0)).toEqual([]);
  });
});

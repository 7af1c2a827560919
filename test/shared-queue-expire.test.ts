import { expect, it } from 'vitest';
import { isoNow } from '../src/shared/time.js';
import { enqueue, expireRows } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

describeEngines('expireRows', (t) => {
  it('expires NEW rows past expires_at or created_at + ttl, with a message, and nothing else', async () => {
    const now = Date.now();
    const past = isoNow(now - 1000);
    const byDate = await enqueue(t.db, { action: 'Ping', expires_at: past });
    const byTtl = await enqueue(t.db, { action: 'Ping' });
    await t.setTime('manager_queue', { id: byTtl }, 'created_at', isoNow(now - 31_000));
    const fresh = await enqueue(t.db, { action: 'Ping' });
    const future = await enqueue(t.db, { action: 'Ping', expires_at: isoNow(now + 10_000) });
    const sent = await enqueue(t.db, { action: 'Ping', expires_at: past });
    await t.db.updateTable('manager_queue').set({ status: 'SENT' }).where('id', '=', sent).execute();
    const other = await enqueue(t.db, { action: 'Ping', server: 'b', expires_at: past });

    expect(await expireRows(t.db, { server: 'default', ttlSeconds: 30, now })).toBe(2);
    expect(await rowById(t.db, byDate)).toMatchObject({ status: 'EXPIRED', message: `not sent before expires_at ${past}` });
    expect(await rowById(t.db, byTtl)).toMatchObject({ status: 'EXPIRED', message: 'not sent within ttl_seconds=30 of created_at' });
    for (const id of [fresh, future]) expect((await rowById(t.db, id)).status).toBe('NEW');
    expect((await rowById(t.db, sent)).status).toBe('SENT');
    expect((await rowById(t.db, other)).status).toBe('NEW');
  });

  it('a scheduled row without expires_at: ttl counts from not_before, and the message names it', async () => {
    const now = Date.now();
    const notBefore = isoNow(now - 90_000);
    const id = await enqueue(t.db, { action: 'Ping', not_before: notBefore });
    await t.setTime('manager_queue', { id }, 'created_at', isoNow(now - 3_600_000));
    expect(await expireRows(t.db, { server: 'default', ttlSeconds: 60, now })).toBe(1);
    expect(await rowById(t.db, id)).toMatchObject({ status: 'EXPIRED', message: `not sent within ttl_seconds=60 of not_before ${notBefore}` });
  });
});

import { expect, it } from 'vitest';
import { claimRows, enqueue, markInvalid, markLost, markSent, markUnsentFailed, releaseRows } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

describeEngines('state changes of claimed rows', (t) => {
  const claimed = async (n: number, action = 'Originate', callerid: string | null = null) => {
    // One INSERT for the batch: a row at a time costs a commit each on the server engines.
    await t.db
      .insertInto('manager_queue')
      .values(Array.from({ length: n }, () => ({ action, callerid })))
      .execute();
    const ids = (await t.db.selectFrom('manager_queue').select('id').where('status', '=', 'NEW').orderBy('id').execute()).map((r) => r.id);
    await claimRows(t.db, { server: 'default', limit: n, ttlSeconds: 60 });
    return ids;
  };

  it('markSent: SENDING → SENT with sent_at and action_id, writing a generated callerid only where none was', async () => {
    const [a] = await claimed(1);
    const [b] = await claimed(1, 'Originate', 'CLIENT-1');
    expect(
      await markSent(
        t.db,
        [
          { id: a!, actionId: 'amiq-1-x', callerid: 'M1' },
          { id: b!, actionId: 'amiq-2-x', callerid: 'M2' },
        ],
        '2026-01-01T00:00:00.000Z',
      ),
    ).toEqual(new Set([a, b]));
    expect(await rowById(t.db, a!)).toMatchObject({ status: 'SENT', action_id: 'amiq-1-x', callerid: 'M1', sent_at: '2026-01-01T00:00:00.000Z' });
    expect(await rowById(t.db, b!)).toMatchObject({ status: 'SENT', callerid: 'CLIENT-1' });
    expect(await markSent(t.db, [{ id: a!, actionId: 'again' }])).toEqual(new Set());
    const fresh = await enqueue(t.db, { action: 'Ping' });
    expect(await markSent(t.db, [{ id: fresh, actionId: 'no' }])).toEqual(new Set());
    expect((await rowById(t.db, fresh)).status).toBe('NEW');
  });

  it('markSent: a batch larger than one statement gives every row its own action_id', async () => {
    const ids = await claimed(600, 'Ping');
    const marked = await markSent(
      t.db,
      ids.map((id) => ({ id, actionId: `amiq-${id}-s`, callerid: id % 2 ? `C${id}` : null })),
    );
    expect(marked.size).toBe(600);
    const rows = await t.db.selectFrom('manager_queue').select(['id', 'status', 'action_id', 'callerid']).execute();
    for (const r of rows) expect(r).toEqual({ id: r.id, status: 'SENT', action_id: `amiq-${r.id}-s`, callerid: r.id % 2 ? `C${r.id}` : null });
  });

  it('markInvalid and markUnsentFailed only touch claimed rows', async () => {
    const [a, b] = await claimed(2);
    expect(await markInvalid(t.db, a!, 'channel: required for Originate')).toBe(true);
    expect(await markUnsentFailed(t.db, b!, 'callerid "x": the call has already ended')).toBe(true);
    expect(await rowById(t.db, a!)).toMatchObject({ status: 'INVALID', message: 'channel: required for Originate', sent_at: null });
    expect(await rowById(t.db, b!)).toMatchObject({ status: 'FAILED', message: 'callerid "x": the call has already ended' });
    const fresh = await enqueue(t.db, { action: 'Ping' });
    expect(await markInvalid(t.db, fresh, 'x')).toBe(false);
    expect(await markUnsentFailed(t.db, fresh, 'x')).toBe(false);
    expect((await rowById(t.db, fresh)).status).toBe('NEW');
  });

  it('releaseRows: claimed or SENT-but-unwritten rows go back to NEW without sent_at/action_id', async () => {
    const [a, b] = await claimed(2);
    await markSent(t.db, [{ id: b!, actionId: 'amiq-b' }]);
    expect(await releaseRows(t.db, [a!, b!])).toBe(2);
    expect(await rowById(t.db, b!)).toMatchObject({ status: 'NEW', sent_at: null, action_id: null });
    expect((await rowById(t.db, a!)).status).toBe('NEW');
    expect(await releaseRows(t.db, [])).toBe(0);
  });

  it('markLost: only SENT rows become LOST', async () => {
    const [a, b] = await claimed(2);
    await markSent(t.db, [{ id: a!, actionId: 'amiq-a' }]);
    expect(await markLost(t.db, [a!, b!], 'no response within 10000 ms')).toBe(1);
    expect(await rowById(t.db, a!)).toMatchObject({ status: 'LOST', message: 'no response within 10000 ms' });
    expect((await rowById(t.db, b!)).status).toBe('SENDING');
  });
});

import { expect, it } from 'vitest';
import { isoNow } from '../src/shared/time.js';
import { cancelRow, claimRows, enqueue, findOriginateByCallerid, getRow, listRecent, nextNotBefore } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';

describeEngines('queue lookups', (t) => {
  it('findOriginateByCallerid: the newest Originate of that server with the callerid', async () => {
    await enqueue(t.db, { action: 'Originate', callerid: 'C1' });
    const newer = await enqueue(t.db, { action: 'Originate', callerid: 'C1' });
    await enqueue(t.db, { action: 'Hangup', callerid: 'C1' });
    await enqueue(t.db, { action: 'Originate', callerid: 'C1', server: 'b' });
    expect((await findOriginateByCallerid(t.db, 'default', 'C1'))?.id).toBe(newer);
    expect(await findOriginateByCallerid(t.db, 'default', 'C2')).toBeUndefined();
  });

  it('getRow and cancelRow: only NEW rows can be cancelled', async () => {
    const a = await enqueue(t.db, { action: 'Ping' });
    const b = await enqueue(t.db, { action: 'Ping' });
    await claimRows(t.db, { server: 'default', limit: 1, ttlSeconds: 60 });
    expect(await cancelRow(t.db, a)).toBe(false);
    expect(await cancelRow(t.db, b)).toBe(true);
    expect(await getRow(t.db, b)).toMatchObject({ status: 'CANCELLED', message: 'cancelled by the client' });
    expect((await getRow(t.db, a))?.status).toBe('SENDING');
    expect(await getRow(t.db, 999)).toBeUndefined();
    expect(await cancelRow(t.db, 999)).toBe(false);
  });

  it('nextNotBefore: the earliest future not_before of NEW rows; listRecent newest first', async () => {
    const now = Date.now();
    expect(await nextNotBefore(t.db, 'default', now)).toBeNull();
    await enqueue(t.db, { action: 'Ping', not_before: isoNow(now + 9_000) });
    const second = await enqueue(t.db, { action: 'Ping', not_before: isoNow(now + 5_000) });
    const third = await enqueue(t.db, { action: 'Ping', not_before: isoNow(now - 5_000) });
    await enqueue(t.db, { action: 'Ping', server: 'b', not_before: isoNow(now + 1_000) });
    expect(await nextNotBefore(t.db, 'default', now)).toBe(now + 5_000);
    const recent = await listRecent(t.db, { limit: 2, server: 'default' });
    expect(recent.map((r) => r.id)).toEqual([third, second]);
    expect((await listRecent(t.db, { limit: 10 })).length).toBe(4);
  });
});

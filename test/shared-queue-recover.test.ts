import { expect, it } from 'vitest';
import { claimRows, enqueue, markSent, recoverAfterCrash } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

describeEngines('recoverAfterCrash', (t) => {
  it('SENDING → NEW (never written), SENT → LOST (maybe written), only for its server', async () => {
    const sending = await enqueue(t.db, { action: 'Ping' });
    const sent = await enqueue(t.db, { action: 'Ping' });
    const untouched = await enqueue(t.db, { action: 'Ping' });
    const otherServer = await enqueue(t.db, { action: 'Ping', server: 'b' });
    await claimRows(t.db, { server: 'default', limit: 2, ttlSeconds: 60 });
    await claimRows(t.db, { server: 'b', limit: 1, ttlSeconds: 60 });
    await markSent(t.db, [{ id: sent, actionId: 'x' }]);
    expect(await recoverAfterCrash(t.db, 'default')).toEqual({ requeued: 1, lost: 1 });
    expect((await rowById(t.db, sending)).status).toBe('NEW');
    const lost = await rowById(t.db, sent);
    expect(lost.status).toBe('LOST');
    expect(lost.message).toMatch(/not re-sent/);
    expect((await rowById(t.db, untouched)).status).toBe('NEW');
    expect((await rowById(t.db, otherServer)).status).toBe('SENDING');
  });
});

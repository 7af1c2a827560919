import { expect, it } from 'vitest';
import { claimRows, enqueue, markLost, markSent, recordResponses, statusForResponse } from '../src/shared/queue/index.js';
import { describeEngines } from './helpers/engines.js';
import { rowById } from './helpers/queue-db.js';

describeEngines('recordResponses', (t) => {
  it('records a batch: Success → SUCCESS, Error → FAILED, with response, message, response_at; LOST rows stay LOST', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await enqueue(t.db, { action: 'Ping' }));
    await claimRows(t.db, { server: 'default', limit: 3, ttlSeconds: 60 });
    await markSent(
      t.db,
      ids.map((id) => ({ id, actionId: `a${id}` })),
    );
    await markLost(t.db, [ids[2]!], 'timeout');
    const n = await recordResponses(t.db, [
      { id: ids[0]!, response: 'Success', message: 'Originate successfully queued', at: '2026-01-01T00:00:00.001Z' },
      { id: ids[1]!, response: 'Error', message: 'Extension does not exist.' },
      { id: ids[2]!, response: 'Success', message: 'late' },
    ]);
    expect(n).toBe(2);
    expect(await rowById(t.db, ids[0]!)).toMatchObject({
      status: 'SUCCESS',
      response: 'Success',
      message: 'Originate successfully queued',
      response_at: '2026-01-01T00:00:00.001Z',
    });
    const failed = await rowById(t.db, ids[1]!);
    expect(failed).toMatchObject({ status: 'FAILED', response: 'Error', message: 'Extension does not exist.' });
    expect(failed.response_at).not.toBeNull();
    expect(await rowById(t.db, ids[2]!)).toMatchObject({ status: 'LOST', message: 'timeout', response: null });
  });

  it('maps legacy success replies to SUCCESS and anything else to FAILED', () => {
    expect(['Success', 'Follows', 'Pong', 'Goodbye'].map(statusForResponse)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(['Error', 'weird', ''].map(statusForResponse)).toEqual(['FAILED', 'FAILED', 'FAILED']);
  });
});

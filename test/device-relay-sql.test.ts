import { expect, it } from 'vitest';
import { copyLatestAsNew } from '../src/shared/db/queue/copy-latest-as-new.js';
import { latestPerTag } from '../src/shared/db/queue/latest-per-tag.js';
import { recentSentByTag } from '../src/shared/db/queue/recent-sent-by-tag.js';
import { insertMissingNew } from '../src/shared/db/queue/insert-missing-new.js';
import { updateNewByTags } from '../src/shared/db/queue/update-new-by-tags.js';
import { claimRows, enqueue } from '../src/shared/queue/index.js';
import type { Database } from '../src/shared/db/schema.js';
import type { Kysely } from 'kysely';
import { describeEngines } from './helpers/engines.js';

const TAG = 'relay:DEVICE_STATE(Custom:PJSIP/100)';
const row = (server: string, value: string, tag = TAG) => ({
  server,
  tag,
  params: JSON.stringify({ Variable: 'DEVICE_STATE(Custom:PJSIP/100)', Value: value }),
  expires_at: null,
});

/** What the relay's writer does with a batch: the pending rows updated, then a row for the others. */
async function putPending(db: Kysely<Database>, ...states: ReturnType<typeof row>[]): Promise<{ updated: number; inserted: number }> {
  const updated = await updateNewByTags(db, states);
  return { updated, inserted: await insertMissingNew(db, 'SetVar', 0, states) };
}

describeEngines('device relay statements', (t) => {
  const rowsOf = (server: string) => t.db.selectFrom('manager_queue').selectAll().where('server', '=', server).orderBy('id').execute();
  const valueOf = (params: string) => (JSON.parse(params) as { Value: string }).Value;

  it('updateNewByTags changes only the NEW row of each server and tag, and counts it even when nothing changes', async () => {
    const mine = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: TAG, params: { Value: 'INUSE' } });
    const other = await enqueue(t.db, { server: 'c', action: 'SetVar', tag: TAG, params: { Value: 'INUSE' } });
    const claimed = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: 'relay:x', params: { Value: 'INUSE' } });
    const second = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: 'relay:y', params: { Value: 'INUSE' } });
    await t.db.updateTable('manager_queue').set({ status: 'SENDING' }).where('id', '=', claimed).execute();
    const change = (tag: string, v: string) => ({ server: 'b', tag, params: `{"Value":"${v}"}`, expires_at: '2030-01-01T00:00:00.000Z' });
    expect(await updateNewByTags(t.db, [change(TAG, 'BUSY'), change('relay:y', 'RINGING'), change('relay:x', 'BUSY')])).toBe(2);
    // The same params again: still counted as found (MySQL counts found rows, not changed ones).
    expect(await updateNewByTags(t.db, [change(TAG, 'BUSY')])).toBe(1);
    const rows = new Map((await t.db.selectFrom('manager_queue').select(['id', 'params', 'expires_at']).execute()).map((r) => [r.id, r]));
    expect(rows.get(mine)).toMatchObject({ params: '{"Value":"BUSY"}', expires_at: '2030-01-01T00:00:00.000Z' });
    expect(rows.get(second)!.params).toBe('{"Value":"RINGING"}');
    expect(rows.get(other)).toMatchObject({ params: '{"Value":"INUSE"}', expires_at: null });
    expect(rows.get(claimed)!.params).toBe('{"Value":"INUSE"}');
  });

  it('update then insert keeps one NEW row per (server, tag), and inserts after the sender claimed it', async () => {
    expect(await putPending(t.db, row('b', 'INUSE'), row('c', 'INUSE'))).toEqual({ updated: 0, inserted: 2 });
    for (const v of ['BUSY', 'RINGING', 'NOT_INUSE']) expect(await putPending(t.db, row('b', v))).toEqual({ updated: 1, inserted: 0 });
    let rows = await rowsOf('b');
    expect(rows.map((r) => [r.status, valueOf(r.params), r.action, r.tag, r.priority])).toEqual([['NEW', 'NOT_INUSE', 'SetVar', TAG, 0]]);
    await claimRows(t.db, { server: 'b', limit: 10, ttlSeconds: 60 });
    expect(await putPending(t.db, row('b', 'INUSE'))).toEqual({ updated: 0, inserted: 1 });
    rows = await rowsOf('b');
    expect(rows.map((r) => [r.status, valueOf(r.params)])).toEqual([
      ['SENDING', 'NOT_INUSE'],
      ['NEW', 'INUSE'],
    ]);
  });

  it('racing the claim, the newest state is never lost and never two rows are NEW', async () => {
    for (let i = 0; i < 40; i++) {
      await putPending(t.db, row('b', `S${i}`));
      // The claim and the newer state race on separate connections (pool).
      await Promise.all([claimRows(t.db, { server: 'b', limit: 1, ttlSeconds: 60 }), putPending(t.db, row('b', `S${i + 1}`))]);
      const rows = await rowsOf('b');
      expect(rows.filter((r) => r.status === 'NEW').length).toBeLessThanOrEqual(1);
      // In a row of its own, or in the claimed one if the update came first (then perhaps twice: the same state again, harmless).
      expect(rows.filter((r) => valueOf(r.params) === `S${i + 1}`).length).toBeGreaterThanOrEqual(1);
      await t.db.updateTable('manager_queue').set({ status: 'SUCCESS' }).where('server', '=', 'b').execute();
    }
  });

  it('recentSentByTag gives the latest claimed or sent rows of a tag, newest first', async () => {
    const ids: number[] = [];
    for (const [value, status] of [
      ['away', 'SUCCESS'],
      ['dnd', 'SENT'],
      ['xa', 'INVALID'],
      ['chat', 'NEW'],
      ['available', 'SENDING'],
    ] as const) {
      const id = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: 'relay:p', params: { Value: value } });
      await t.db.updateTable('manager_queue').set({ status }).where('id', '=', id).execute();
      ids.push(id);
    }
    await enqueue(t.db, { server: 'c', action: 'SetVar', tag: 'relay:p', params: { Value: 'away' } });
    const got = await recentSentByTag(t.db, 'b', 'relay:p', 2);
    expect(got.map((r) => [valueOf(r.params), r.status])).toEqual([
      ['available', 'SENDING'],
      ['dnd', 'SENT'],
    ]);
  });

  it('latestPerTag gives the latest row of each relay tag of a server', async () => {
    await putPending(t.db, row('b', 'INUSE', 'relay:one'));
    await claimRows(t.db, { server: 'b', limit: 10, ttlSeconds: 60 });
    await putPending(t.db, row('b', 'BUSY', 'relay:one'), row('b', 'RINGING', 'relay:two'), row('c', 'ONHOLD', 'relay:one'));
    await enqueue(t.db, { server: 'b', action: 'Ping', tag: 'crm' });
    const got = await latestPerTag(t.db, 'b', 'relay:');
    expect(got.map((r) => [r.tag, valueOf(r.params), r.status]).sort()).toEqual([
      ['relay:one', 'BUSY', 'NEW'],
      ['relay:two', 'RINGING', 'NEW'],
    ]);
  });
});

describeEngines('copyLatestAsNew', (t) => {
  const rows = () => t.db.selectFrom('manager_queue').selectAll().orderBy('id').execute();

  it('queues the latest row of a tag again, only while it is the latest and not NEW', async () => {
    const first = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: 'relay:x', params: { Value: 'INUSE' }, priority: 2 });
    const expires = new Date(Date.now() + 60_000).toISOString();
    // NEW: it will be sent anyway.
    expect(await copyLatestAsNew(t.db, { id: first, expires_at: expires })).toBe(false);
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS' }).where('id', '=', first).execute();
    expect(await copyLatestAsNew(t.db, { id: first, expires_at: expires })).toBe(true);
    const [, copy] = await rows();
    expect(copy).toMatchObject({ server: 'b', action: 'SetVar', tag: 'relay:x', params: '{"Value":"INUSE"}', priority: 2, status: 'NEW', expires_at: expires });
    // No longer the latest of its tag: never copied over the newer one.
    expect(await copyLatestAsNew(t.db, { id: first, expires_at: expires })).toBe(false);
    expect(await rows()).toHaveLength(2);
  });
});

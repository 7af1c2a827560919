import { expect, it } from 'vitest';
import { copyLatestAsNew } from '../src/shared/db/queue/copy-latest-as-new.js';
import { latestPerTag } from '../src/shared/db/queue/latest-per-tag.js';
import { recentSentByTag } from '../src/shared/db/queue/recent-sent-by-tag.js';
import { updateNewByTag } from '../src/shared/db/queue/update-new-by-tag.js';
import { claimRows, enqueue } from '../src/shared/queue/index.js';
import { putPendingRow } from '../src/shared/queue/put-pending-row.js';
import { describeEngines } from './helpers/engines.js';

const TAG = 'relay:DEVICE_STATE(Custom:PJSIP/100)';
const row = (server: string, value: string, tag = TAG) => ({
  server,
  action: 'SetVar',
  tag,
  params: { Variable: 'DEVICE_STATE(Custom:PJSIP/100)', Value: value },
  expires_at: null,
});

describeEngines('device relay statements', (t) => {
  const rowsOf = (server: string) => t.db.selectFrom('manager_queue').selectAll().where('server', '=', server).orderBy('id').execute();
  const valueOf = (params: string) => (JSON.parse(params) as { Value: string }).Value;

  it('updateNewByTag changes only the NEW row of that server and tag, and counts it even when nothing changes', async () => {
    const mine = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: TAG, params: { Value: 'INUSE' } });
    const other = await enqueue(t.db, { server: 'c', action: 'SetVar', tag: TAG, params: { Value: 'INUSE' } });
    const claimed = await enqueue(t.db, { server: 'b', action: 'SetVar', tag: 'relay:x', params: { Value: 'INUSE' } });
    await t.db.updateTable('manager_queue').set({ status: 'SENDING' }).where('id', '=', claimed).execute();
    const change = { server: 'b', tag: TAG, params: '{"Value":"BUSY"}', expires_at: null };
    expect(await updateNewByTag(t.db, change)).toBe(1);
    // The same params again: still "found", or the caller would insert a second row (MySQL counts found rows).
    expect(await updateNewByTag(t.db, change)).toBe(1);
    expect(await updateNewByTag(t.db, { ...change, tag: 'relay:x' })).toBe(0);
    const rows = new Map((await t.db.selectFrom('manager_queue').select(['id', 'params']).execute()).map((r) => [r.id, r.params]));
    expect(rows.get(mine)).toBe('{"Value":"BUSY"}');
    expect(rows.get(other)).toBe('{"Value":"INUSE"}');
    expect(rows.get(claimed)).toBe('{"Value":"INUSE"}');
  });

  it('putPendingRow keeps one NEW row per (server, tag), and inserts after the sender claimed it', async () => {
    expect(await putPendingRow(t.db, row('b', 'INUSE'))).toBe('inserted');
    for (const v of ['BUSY', 'RINGING', 'NOT_INUSE']) expect(await putPendingRow(t.db, row('b', v))).toBe('updated');
    expect(await putPendingRow(t.db, row('c', 'BUSY'))).toBe('inserted');
    let rows = await rowsOf('b');
    expect(rows.map((r) => [r.status, valueOf(r.params), r.action, r.tag])).toEqual([['NEW', 'NOT_INUSE', 'SetVar', TAG]]);
    await claimRows(t.db, { server: 'b', limit: 10, ttlSeconds: 60 });
    expect(await putPendingRow(t.db, row('b', 'INUSE'))).toBe('inserted');
    rows = await rowsOf('b');
    expect(rows.map((r) => [r.status, valueOf(r.params)])).toEqual([
      ['SENDING', 'NOT_INUSE'],
      ['NEW', 'INUSE'],
    ]);
  });

  it('racing the claim, the newest state is in exactly one row and never two rows are NEW', async () => {
    for (let i = 0; i < 40; i++) {
      await putPendingRow(t.db, row('b', `S${i}`));
      // The claim and the newer state race on separate connections (pool).
      await Promise.all([claimRows(t.db, { server: 'b', limit: 1, ttlSeconds: 60 }), putPendingRow(t.db, row('b', `S${i + 1}`))]);
      const rows = await rowsOf('b');
      expect(rows.filter((r) => r.status === 'NEW').length).toBeLessThanOrEqual(1);
      expect(rows.filter((r) => valueOf(r.params) === `S${i + 1}`)).toHaveLength(1);
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
    await putPendingRow(t.db, row('b', 'INUSE', 'relay:one'));
    await claimRows(t.db, { server: 'b', limit: 10, ttlSeconds: 60 });
    await putPendingRow(t.db, row('b', 'BUSY', 'relay:one'));
    await putPendingRow(t.db, row('b', 'RINGING', 'relay:two'));
    await putPendingRow(t.db, row('c', 'ONHOLD', 'relay:one'));
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

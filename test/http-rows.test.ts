import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { insertRoom } from '../src/shared/db/conferences/insert-room.js';
import type { AmiqDatabase, WakeSignal } from '../src/shared/db/index.js';
import type { QueueRow } from '../src/shared/db/schema.js';
import { enqueue, insertResults } from '../src/shared/queue/index.js';
import { isoNow } from '../src/shared/time.js';
import { upsertWorker } from '../src/shared/worker/upsert-worker.js';
import { describeEngines } from './helpers/engines.js';
import { bearer, httpConfig, testHttp, TOKENS, type TestHttp } from './helpers/http-app.js';
import { freeUdpPort } from './helpers/free-udp-port.js';

async function udpSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

const admin = bearer(TOKENS.admin);

describeEngines('http API v1: rows, wait, cancel, status, channels, conferences', (t) => {
  let h: TestHttp;
  let changes: WakeSignal;
  let other: AmiqDatabase;
  let sink: Socket;
  beforeAll(async () => {
    changes = t.handle.wakeSignal({ intervalMs: 2 });
    await changes.ready;
    // A "heartbeat" that never answers, and a reply port free now: the span probe must time out.
    sink = await udpSocket();
    const replyPort = await freeUdpPort();
    h = await testHttp(t.db, { changes, config: httpConfig({ heartbeat: { port: sink.address().port, reply_port: replyPort } }) });
    other = await t.openAnother();
  });
  afterAll(async () => {
    await h.close();
    await changes.close();
    await other.close();
    sink.close();
  });

  const post = async (url: string, payload: object, headers = admin) => h.app.inject({ method: 'POST', url, headers, payload });
  const get = async (url: string, headers = admin) => h.app.inject({ method: 'GET', url, headers });
  const made = async (url: string, payload: object): Promise<QueueRow> => {
    const res = await post(url, payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<QueueRow>();
  };

  it('POST /v1/originate writes the row amiq/client would, and returns it (201)', async () => {
    const row = await made('/v1/originate', {
      channel: 'PJSIP/2001',
      exten: '100',
      context: 'default',
      callerid: 'C-1',
      variables: { LEAD: 42 },
      timeout_ms: 20000,
      priority: 5,
      tag: 'campaign-7',
    });
    expect(row).toMatchObject({ server: 'pbx1', action: 'Originate', channel: 'PJSIP/2001', callerid: 'C-1', status: 'NEW', priority: 5, tag: 'campaign-7' });
    expect(JSON.parse(row.params)).toEqual({ Exten: '100', Context: 'default', Timeout: '20000', Variable: { LEAD: 42 } });
    const stored = await t.db.selectFrom('manager_queue').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(stored.params).toBe(row.params);
  });

  it('POST /v1/redirect, /v1/hangup and /v1/rows (any allowed action, another server)', async () => {
    const r = await made('/v1/redirect', { callerid: 'C-1', exten: '300', context: 'default' });
    expect(r).toMatchObject({ action: 'Redirect', channel: null, callerid: 'C-1' });
    expect(JSON.parse(r.params)).toEqual({ Exten: '300', Context: 'default' });
    const hu = await made('/v1/hangup', { channel: 'PJSIP/2001-00000001', cause: 16 });
    expect(hu).toMatchObject({ action: 'Hangup', channel: 'PJSIP/2001-00000001' });
    expect(JSON.parse(hu.params)).toEqual({ Cause: '16' });
    const ping = await made('/v1/rows', {
      action: 'ExtensionState',
      server: 'pbx2',
      params: { Exten: '100', Context: 'default' },
      not_before: '2030-01-01T00:00:00.000Z',
    });
    expect(ping).toMatchObject({ action: 'ExtensionState', server: 'pbx2', status: 'NEW', not_before: '2030-01-01T00:00:00.000Z' });
    const both = await post('/v1/hangup', { channel: 'PJSIP/1', callerid: 'C-1' });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ field: 'channel', rule: 'give channel or callerid, not both' });
  });

  it("GET /v1/rows/:id: the row; 404 when missing or another server's (for a token limited to servers)", async () => {
    const mine = await made('/v1/rows', { action: 'Ping' });
    const theirs = await made('/v1/rows', { action: 'Ping', server: 'pbx2' });
    expect((await get(`/v1/rows/${mine.id}`)).json()).toEqual(mine);
    expect((await get(`/v1/rows/${mine.id}`, bearer(TOKENS.pbx1))).statusCode).toBe(200);
    const hidden = await get(`/v1/rows/${theirs.id}`, bearer(TOKENS.pbx1));
    expect(hidden.statusCode).toBe(404);
    expect((await get(`/v1/rows/${theirs.id + 1000}`)).json()).toMatchObject({ statusCode: 404, field: 'id' });
    expect((await get('/v1/rows/abc')).json()).toMatchObject({ statusCode: 400, field: 'params.id' });
  });

  it('GET /v1/rows/:id/results: the list items in order', async () => {
    const row = await made('/v1/rows', { action: 'CoreShowChannels' });
    await insertResults(t.db, row.id, [
      { event: 'CoreShowChannel', headers: JSON.stringify({ Channel: 'PJSIP/1-1' }) },
      { event: 'CoreShowChannel', headers: JSON.stringify({ Channel: 'PJSIP/2-1' }) },
    ]);
    expect((await get(`/v1/rows/${row.id}/results`)).json()).toEqual([
      { seq: 1, event: 'CoreShowChannel', headers: { Channel: 'PJSIP/1-1' } },
      { seq: 2, event: 'CoreShowChannel', headers: { Channel: 'PJSIP/2-1' } },
    ]);
  });

  it('GET /v1/rows filters by server, status, tag and time, newest first, and pages with before_id', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await made('/v1/rows', { action: 'Ping', tag: i % 2 === 0 ? 'even' : 'odd' })).id);
    const other = await made('/v1/rows', { action: 'Ping', server: 'pbx2', tag: 'even' });
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS' }).where('id', '=', ids[0]!).execute();
    await t.setTime('manager_queue', { id: ids[1]! }, 'created_at', '2020-01-01T00:00:00.000Z');
    const list = async (q: string, headers = admin) => {
      const res = await get(`/v1/rows?${q}`, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ rows: QueueRow[]; next_before_id: number | null }>();
    };
    expect((await list('server=pbx1')).rows.map((r) => r.id)).toEqual([...ids].reverse());
    expect((await list('tag=even')).rows.map((r) => r.id)).toEqual([other.id, ids[4], ids[2], ids[0]]);
    expect((await list('status=SUCCESS')).rows.map((r) => r.id)).toEqual([ids[0]]);
    expect((await list('status=NEW,SUCCESS&server=pbx1')).rows).toHaveLength(5);
    expect((await list('to=2021-01-01T00:00:00Z')).rows.map((r) => r.id)).toEqual([ids[1]]);
    expect((await list('from=2021-01-01T00:00:00Z&server=pbx1')).rows).toHaveLength(4);
    expect((await list('', bearer(TOKENS.pbx1))).rows.map((r) => r.server)).not.toContain('pbx2');
    const first = await list('limit=2&server=pbx1');
    expect(first.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const second = await list(`limit=2&server=pbx1&before_id=${first.next_before_id}`);
    expect(second.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const last = await list(`limit=2&server=pbx1&before_id=${second.next_before_id}`);
    expect(last).toEqual({ rows: [expect.objectContaining({ id: ids[0] })], next_before_id: null });
    expect((await get('/v1/rows?status=DONE')).json()).toMatchObject({ statusCode: 400, field: 'status' });
    expect((await get('/v1/rows?from=yesterday')).json()).toMatchObject({ statusCode: 400, field: 'from' });
    expect((await get('/v1/rows?limit=0')).json()).toMatchObject({ statusCode: 400, field: 'query.limit' });
    expect((await get('/v1/rows?color=red')).json()).toMatchObject({ statusCode: 400, field: 'query.color', rule: 'unknown field' });
  });

  it('cancel: a NEW row becomes CANCELLED (POST …/cancel or DELETE); 409 once taken; 404 when missing', async () => {
    const a = await made('/v1/rows', { action: 'Ping' });
    const b = await made('/v1/rows', { action: 'Ping' });
    const res = await post(`/v1/rows/${a.id}/cancel`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: a.id, status: 'CANCELLED', message: 'cancelled by the client' });
    const again = await h.app.inject({ method: 'DELETE', url: `/v1/rows/${a.id}`, headers: admin });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ field: 'status', rule: 'must be NEW', message: expect.stringContaining('is CANCELLED') });
    await t.db.updateTable('manager_queue').set({ status: 'SENT' }).where('id', '=', b.id).execute();
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/rows/${b.id}`, headers: admin })).statusCode).toBe(409);
    expect((await t.db.selectFrom('manager_queue').select('status').where('id', '=', b.id).executeTakeFirstOrThrow()).status).toBe('SENT');
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/rows/${b.id + 1000}`, headers: admin })).statusCode).toBe(404);
  });

  it('wait: answers when another connection changes the row (status, then call_state)', async () => {
    const row = await made('/v1/originate', { channel: 'PJSIP/2001', exten: '100', context: 'default' });
    const idle = changes.listenerCount('change');
    const waiting = get(`/v1/rows/${row.id}/wait?status=SUCCESS,FAILED&timeout_ms=20000`);
    // The request is parked on the wake signal: only then does the other connection write.
    await vi.waitFor(() => expect(changes.listenerCount('change')).toBeGreaterThan(idle), { timeout: 5000, interval: 5 });
    await other.db.updateTable('manager_queue').set({ status: 'SUCCESS', response: 'Success' }).where('id', '=', row.id).execute();
    const res = await waiting;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ timed_out: false, row: { id: row.id, status: 'SUCCESS' } });

    const call = get(`/v1/rows/${row.id}/wait?call_state=UP&timeout_ms=20000`);
    await vi.waitFor(() => expect(changes.listenerCount('change')).toBeGreaterThan(idle), { timeout: 5000, interval: 5 });
    await other.db.updateTable('manager_queue').set({ call_state: 'UP' }).where('id', '=', row.id).execute();
    expect((await call).json()).toMatchObject({ timed_out: false, row: { call_state: 'UP' } });
    // The default, `settled`, is then met at once.
    expect((await get(`/v1/rows/${row.id}/wait`)).json()).toMatchObject({ timed_out: false });
  });

  it('wait: a caller that hangs up stops the wait at once (its abort signal fires)', async () => {
    const row = await made('/v1/rows', { action: 'Ping' });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as { port: number };
    // The signal each pause of the wait is given: aborted only by the caller leaving (or the server closing).
    const signals: AbortSignal[] = [];
    const next = changes.next.bind(changes);
    const spy = vi.spyOn(changes, 'next').mockImplementation((opts = {}) => {
      if (opts.signal) signals.push(opts.signal);
      return next(opts);
    });
    try {
      const caller = new AbortController();
      const waiting = fetch(`http://127.0.0.1:${port}/v1/rows/${row.id}/wait?timeout_ms=60000`, { headers: admin, signal: caller.signal }).catch(
        (e: Error) => e.name,
      );
      await vi.waitFor(() => expect(signals.length).toBeGreaterThan(0), { timeout: 5000, interval: 5 });
      expect(signals.at(-1)!.aborted).toBe(false);
      caller.abort();
      expect(await waiting).toBe('AbortError');
      await vi.waitFor(() => expect(signals.at(-1)!.aborted).toBe(true), { timeout: 2000, interval: 5 });
    } finally {
      spy.mockRestore();
    }
  });

  it('wait: at the timeout, timed_out with the row as last read; bad conditions are 400', async () => {
    const row = await made('/v1/rows', { action: 'Ping' });
    const res = await get(`/v1/rows/${row.id}/wait?until=terminal&timeout_ms=30`);
    expect(res.json()).toMatchObject({ timed_out: true, row: { id: row.id, status: 'NEW' } });
    expect((await get(`/v1/rows/${row.id}/wait?status=OK`)).json()).toMatchObject({ statusCode: 400, field: 'status' });
    expect((await get(`/v1/rows/${row.id}/wait?call_state=TALKING`)).json()).toMatchObject({ statusCode: 400, field: 'call_state' });
    expect((await get(`/v1/rows/${row.id}/wait?until=soon`)).json()).toMatchObject({ statusCode: 400, field: 'query.until' });
    expect((await get(`/v1/rows/${row.id}/wait?timeout_ms=999999`)).json()).toMatchObject({ statusCode: 400, field: 'query.timeout_ms' });
    expect((await get(`/v1/rows/${row.id + 1000}/wait?timeout_ms=30`)).statusCode).toBe(404);
  });

  it("GET /v1/status: each server's workers with AMI state, queue depth by status, oldest NEW row", async () => {
    const now = isoNow();
    await upsertWorker(t.db, { server: 'pbx1', name: 'action-sender', pid: 123, host: 'h', started_at: now });
    await t.db.updateTable('workers').set({ ami_state: 'connected', counters: '{"sent":4}' }).where('name', '=', 'action-sender').execute();
    await upsertWorker(t.db, { server: 'pbx2', name: 'heartbeat', pid: 124, host: 'h', started_at: now }, 'stopped');
    const a = await enqueue(t.db, { server: 'pbx1', action: 'Ping' });
    await enqueue(t.db, { server: 'pbx1', action: 'Ping' });
    const done = await enqueue(t.db, { server: 'pbx1', action: 'Ping' });
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS' }).where('id', '=', done).execute();
    await t.setTime('manager_queue', { id: a }, 'created_at', new Date(Date.now() - 60_000).toISOString());
    const body = (await get('/v1/status')).json<{ servers: Array<Record<string, any>> }>();
    expect(body.servers.map((s) => s.server)).toEqual(['pbx1', 'pbx2']);
    const pbx1 = body.servers[0]!;
    expect(pbx1.workers).toEqual([
      expect.objectContaining({ name: 'action-sender', state: 'running', alive: true, ami_state: 'connected', pid: 123, counters: { sent: 4 } }),
    ]);
    expect(pbx1.queue).toEqual({ NEW: 2, SUCCESS: 1 });
    expect(pbx1.oldest_new).toMatchObject({ id: a });
    expect(pbx1.oldest_new.age_seconds).toBeGreaterThanOrEqual(59);
    expect(body.servers[1]).toMatchObject({
      server: 'pbx2',
      workers: [expect.objectContaining({ name: 'heartbeat', alive: false })],
      queue: {},
      oldest_new: null,
    });
    const limited = (await get('/v1/status', bearer(TOKENS.pbx1))).json<{ servers: Array<{ server: string }> }>();
    expect(limited.servers.map((s) => s.server)).toEqual(['pbx1']);
  });

  it('GET /v1/channels: calls in progress (span_error when no heartbeat answers)', async () => {
    const live = await enqueue(t.db, { server: 'pbx1', action: 'Originate', channel: 'PJSIP/1' });
    const ended = await enqueue(t.db, { server: 'pbx1', action: 'Originate', channel: 'PJSIP/2' });
    const theirs = await enqueue(t.db, { server: 'pbx2', action: 'Originate', channel: 'PJSIP/3' });
    await t.db
      .updateTable('manager_queue')
      .set({ status: 'SUCCESS', call_state: 'UP', call_channel: 'PJSIP/1-0001' })
      .where('id', 'in', [live, theirs])
      .execute();
    await t.db.updateTable('manager_queue').set({ status: 'SUCCESS', call_state: 'ENDED' }).where('id', '=', ended).execute();
    const body = (await get('/v1/channels')).json<{ server: string; span: unknown; span_error: string; live_calls: QueueRow[] }>();
    expect(body.live_calls.map((r) => r.id)).toEqual([live, theirs]);
    expect(body.server).toBe('pbx1');
    expect(body.span).toBeNull();
    expect(body.span_error).toMatch(/^heartbeat 127\.0\.0\.1:\d+: /);
    const mine = (await get('/v1/channels', bearer(TOKENS.pbx1))).json<{ live_calls: QueueRow[] }>();
    expect(mine.live_calls.map((r) => r.id)).toEqual([live]);
  });

  it('GET /v1/conferences: open rooms with their members and alone_since', async () => {
    const members = [{ channel: 'PJSIP/2001-1', joined_at: '2026-12-06T10:00:00.000Z', first_seen: '2026-12-06T10:00:00.000Z' }];
    const alone = '2026-12-06T10:01:00.000Z';
    await insertRoom(t.db, 'pbx1', 'confbridge', '4000', { members: JSON.stringify(members), member_count: 1, alone_since: alone }, Date.now());
    const closed = await insertRoom(t.db, 'pbx1', 'meetme', '5000', { members: '[]', member_count: 0, alone_since: null }, Date.now());
    await t.db.updateTable('conferences').set({ closed_at: isoNow() }).where('id', '=', closed).execute();
    await insertRoom(t.db, 'pbx2', 'meetme', '6000', { members: '[]', member_count: 0, alone_since: null }, Date.now());
    const all = (await get('/v1/conferences')).json<{ rooms: Array<Record<string, unknown>> }>();
    expect(all.rooms.map((r) => `${r.server}/${r.room}`)).toEqual(['pbx1/4000', 'pbx2/6000']);
    expect(all.rooms[0]).toMatchObject({ kind: 'confbridge', members, member_count: 1, alone_since: alone });
    const mine = (await get('/v1/conferences', bearer(TOKENS.pbx1))).json<{ rooms: Array<Record<string, unknown>> }>();
    expect(mine.rooms.map((r) => r.room)).toEqual(['4000']);
  });
});

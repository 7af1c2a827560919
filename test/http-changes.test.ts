import { connect, type AddressInfo } from 'node:net';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { buildHttpServer, hashToken } from '../src/http/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import type { WakeSignal } from '../src/shared/db/index.js';
import { describeEngines } from './helpers/engines.js';
import { SseReader } from './helpers/sse-reader.js';

const ALL = 'all-token';
const PBX1 = 'pbx1-token';
const HANGUPS = 'hangup-only-token';
const config = parseConfig({
  http: {
    tokens: [
      { name: 'all', hash: hashToken(ALL), rate_per_second: 0 },
      { name: 'pbx1', hash: hashToken(PBX1), servers: ['pbx1'], rate_per_second: 0 },
      { name: 'hangups', hash: hashToken(HANGUPS), actions: ['Hangup'], rate_per_second: 0 },
    ],
  },
});

describeEngines('GET /v1/changes', (t) => {
  let app: FastifyInstance;
  let base: string;
  let signal: WakeSignal;
  const closing = new AbortController();
  const readers: SseReader[] = [];

  beforeAll(async () => {
    signal = t.handle.wakeSignal({ intervalMs: 5 });
    await signal.ready;
    app = await buildHttpServer({ config, db: t.db, logger: pino({ level: 'silent' }), changes: signal, closing: closing.signal });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    closing.abort();
    await app.close();
    await signal.close();
  });
  afterEach(() => readers.splice(0).forEach((r) => r.close()));

  const open = async (query = '', token = ALL, headers: Record<string, string> = {}): Promise<SseReader> => {
    const r = await SseReader.open(`${base}/v1/changes${query}`, { authorization: `Bearer ${token}`, ...headers });
    readers.push(r);
    return r;
  };
  const insert = (values: { server?: string; tag?: string }) =>
    t.handle.dialect.insertId(t.db.insertInto('manager_queue').values({ action: 'Hangup', channel: 'SIP/1-0', ...values }));
  const setStatus = (id: number, status: 'CANCELLED' | 'SENDING') => t.db.updateTable('manager_queue').set({ status }).where('id', '=', id).execute();
  // The stream has started once its opening comment arrived; changes after that are its to send.
  const started = (r: SseReader) => r.until((x) => x.comments.length > 0);

  it('sends each change from now on with its seq as id and the row as it is now', async () => {
    const early = await insert({});
    const r = await open();
    await started(r);
    const a = await insert({ tag: 'x' });
    await setStatus(a, 'CANCELLED');
    await r.until((x) => x.events.length >= 2);
    const rows = r.rows<{ id: number; status: string; tag: string | null }>();
    expect(rows.map((row) => row.id)).toEqual([a, a]);
    // Both events carry the row as read, so the insert's may already show the cancel.
    expect(rows[1]).toMatchObject({ id: a, status: 'CANCELLED', tag: 'x' });
    const ids = r.events.map((e) => Number(e.id));
    expect(ids[1]).toBeGreaterThan(ids[0]!);
    expect(rows.some((row) => row.id === early)).toBe(false);
  });

  it('a client that disconnects and resumes with Last-Event-ID gets exactly the changes it missed, in order', async () => {
    const first = await open();
    await started(first);
    const a = await insert({});
    await first.until((x) => x.events.length === 1);
    const lastSeen = first.events[0]!.id!;
    first.close();

    // Meanwhile: changes of several rows, interleaved.
    const b = await insert({});
    await setStatus(a, 'SENDING');
    const c = await insert({});
    await setStatus(b, 'CANCELLED');
    await setStatus(a, 'CANCELLED');
    const watcher = await open('?after=0');
    await watcher.until((x) => x.rows<{ id: number; status: string }>().some((row) => row.id === a && row.status === 'CANCELLED'));

    const resumed = await open('', ALL, { 'last-event-id': lastSeen });
    await resumed.until((x) => x.events.length >= 5);
    expect(resumed.rows<{ id: number }>().map((row) => row.id)).toEqual([b, a, c, b, a]);
    const seqs = resumed.events.map((e) => Number(e.id));
    expect(seqs[0]).toBe(Number(lastSeen) + 1);
    expect(seqs).toEqual(seqs.map((_, i) => Number(lastSeen) + 1 + i));
    // Then it goes on live, with nothing sent twice.
    const d = await insert({});
    await resumed.until((x) => x.events.length >= 6);
    expect(resumed.rows<{ id: number }>()[5]!.id).toBe(d);
    expect(resumed.events.length).toBe(6);
  });

  it('?after= resumes like Last-Event-ID, from the log when memory does not reach back', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await insert({}));
    const all = await open('?after=0');
    await all.until((x) => x.rows<{ id: number }>().filter((row) => ids.includes(row.id)).length === 3);
    const seqOfFirst = Number(all.events.find((e) => (JSON.parse(e.data) as { id: number }).id === ids[0])!.id);
    const r = await open(`?after=${seqOfFirst}`);
    await r.until((x) => x.events.length >= 2);
    expect(r.rows<{ id: number }>().map((row) => row.id)).toEqual(ids.slice(1));
  });

  it('filters by server and tag, and by the servers the token may see', async () => {
    const onlyTag = await open('?tag=camp');
    const onlyPbx2 = await open('?server=pbx2');
    const limited = await open('', PBX1);
    const hangupsOnly = await open('', HANGUPS);
    await Promise.all([onlyTag, onlyPbx2, limited, hangupsOnly].map(started));
    const ping = await t.handle.dialect.insertId(t.db.insertInto('manager_queue').values({ action: 'Ping', server: 'pbx1' }));
    const a = await insert({ server: 'pbx1', tag: 'camp' });
    const b = await insert({ server: 'pbx2', tag: 'camp' });
    const c = await insert({ server: 'pbx2' });
    const d = await insert({ server: 'pbx1' });
    await onlyTag.until((x) => x.events.length >= 2);
    await onlyPbx2.until((x) => x.events.length >= 2);
    await limited.until((x) => x.events.length >= 3);
    expect(onlyTag.rows<{ id: number }>().map((row) => row.id)).toEqual([a, b]);
    expect(onlyPbx2.rows<{ id: number }>().map((row) => row.id)).toEqual([b, c]);
    await hangupsOnly.until((x) => x.events.length >= 4);
    expect(limited.rows<{ id: number }>().map((row) => row.id)).toEqual([ping, a, d]);
    // A token limited to actions sees only rows of those actions, as GET /v1/rows/:id.
    expect(hangupsOnly.rows<{ id: number }>().map((row) => row.id)).toEqual([a, b, c, d]);
  });

  it('refuses what it cannot serve: no token, a server the token may not see, a bad Last-Event-ID, an unknown field', async () => {
    const noToken = await SseReader.open(`${base}/v1/changes`, {});
    readers.push(noToken);
    expect(noToken.status).toBe(401);
    const other = await open('?server=pbx2', PBX1);
    expect(other.status).toBe(403);
    await other.until((x) => x.body.endsWith('}'), 5000).catch(() => undefined);
    expect(JSON.parse(other.body)).toMatchObject({ field: 'server', rule: "not in the token's servers" });
    const bad = await open('', ALL, { 'last-event-id': 'abc' });
    expect(bad.status).toBe(400);
    const unknown = await open('?servr=x');
    expect(unknown.status).toBe(400);
  });

  it('answers 410 when the changes to resume from were pruned', async () => {
    await insert({});
    await insert({});
    const r0 = await open('?after=0');
    await r0.until((x) => x.events.length >= 2);
    const newest = Number(r0.events.at(-1)!.id);
    await t.db.deleteFrom('manager_queue_changes').where('seq', '<', newest).execute();
    const r = await open(`?after=${newest - 2}`);
    expect(r.status).toBe(410);
  });

  it('a client that does not read never holds the others back', async () => {
    // A client that never reads: once the socket buffers are full its pump waits for 'drain'.
    const stalled = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
    stalled.pause();
    stalled.write(`GET /v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALL}\r\n\r\n`);
    const live = await open();
    await started(live);
    const big = JSON.stringify({ Variable: 'X='.padEnd(4000, 'x') });
    for (let batch = 0; batch < 6; batch++) {
      const rows = Array.from({ length: 500 }, () => ({ action: 'Hangup', channel: 'SIP/1-0', params: big }));
      await t.db.insertInto('manager_queue').values(rows).execute();
    }
    // About 12 MB of events: more than loopback buffers hold for the stalled one.
    await live.until((x) => x.events.length >= 3000, 30_000);
    expect(new Set(live.rows<{ id: number }>().map((row) => row.id)).size).toBe(3000);
    stalled.destroy();
  });
});

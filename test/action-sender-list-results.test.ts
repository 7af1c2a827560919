import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RESULT_ITEMS } from '../src/action-sender/list-result.js';
import { ActionSender } from '../src/action-sender/sender-loop.js';
import { AmiMessage } from '../src/shared/ami/message.js';
import { enqueue, listResults } from '../src/shared/queue/index.js';
import { archiveTerminalRows } from '../src/shared/maintenance/run-maintenance.js';
import { DEFAULT_MAINTENANCE } from '../src/shared/maintenance/index.js';
import { pruneArchive } from '../src/shared/db/queue/prune-archive.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { FakeClient, silent, startRealSender, until } from './helpers/action-sender-helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');
const headersOf = async (t: TestDb, id: number) =>
  (await listResults(t.db, id)).map((r) => ({ seq: r.seq, event: r.event, headers: JSON.parse(r.headers) as Record<string, unknown> }));

describe('a list action keeps its answer (real sender, simulator)', () => {
  let sim: Simulator;
  let t: TestDb;
  let sender: { stop(): Promise<void> } | undefined;
  const done = async (id: number) => {
    await until(async () => !['NEW', 'SENDING', 'SENT'].includes((await rowById(t.db, id)).status), `row ${id} answered`);
    return rowById(t.db, id);
  };

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    t = await openTestDb();
    // ConfbridgeListRooms is not a default action; an operator may allow it.
    sender = await startRealSender(t, sim.port, (c) => c.action_sender.allowed_actions.push('ConfbridgeListRooms'));
  });
  afterEach(async () => {
    await sender?.stop();
    await sim.close();
    await t.cleanup();
  });

  it('CoreShowChannels and Status: each channel an item of the row, in order, headers as a JSON object', async () => {
    const a = sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const b = sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const list = await enqueue(t.db, { action: 'CoreShowChannels' });
    expect(await done(list)).toMatchObject({ status: 'SUCCESS', message: 'Channels will follow' });
    const items = await headersOf(t, list);
    expect(items.map((i) => [i.seq, i.event, i.headers['Channel']])).toEqual([
      [1, 'CoreShowChannel', a.name],
      [2, 'CoreShowChannel', b.name],
    ]);
    expect(items[0]!.headers).toMatchObject({ Event: 'CoreShowChannel', Uniqueid: a.uniqueid, ChannelStateDesc: 'Up' });

    const status = await enqueue(t.db, { action: 'Status', channel: b.name });
    expect(await done(status)).toMatchObject({ status: 'SUCCESS' });
    expect((await headersOf(t, status)).map((i) => [i.event, i.headers['Channel']])).toEqual([['Status', b.name]]);
  });

  it('ConfbridgeList, ConfbridgeListRooms and QueueStatus; an action that answers no list keeps nothing', async () => {
    const m = sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const members = await enqueue(t.db, { action: 'ConfbridgeList', params: { Conference: '4000' } });
    const rooms = await enqueue(t.db, { action: 'ConfbridgeListRooms' });
    const queues = await enqueue(t.db, { action: 'QueueStatus' });
    const ping = await enqueue(t.db, { action: 'Ping' });
    await done(members);
    await done(rooms);
    await done(queues);
    await done(ping);
    expect((await headersOf(t, members)).map((i) => [i.event, i.headers['Conference'], i.headers['Channel']])).toEqual([['ConfbridgeList', '4000', m.name]]);
    expect((await rowById(t.db, queues)).status).toBe('SUCCESS');
    expect((await headersOf(t, rooms)).map((i) => [i.event, i.headers['Conference'], i.headers['Parties']])).toEqual([['ConfbridgeListRooms', '4000', '1']]);
    // The simulator has no queues: an empty list keeps nothing and is a success all the same.
    expect(await listResults(t.db, queues)).toEqual([]);
    expect(await listResults(t.db, ping)).toEqual([]);
  });

  it('amiq show prints the items (and --json); archiving keeps them, pruning the archive deletes them', async () => {
    const a = sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const id = await enqueue(t.db, { action: 'CoreShowChannels' });
    await done(id);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, '--db', t.path, ...args], { cwd: t.dir, encoding: 'utf8', env: { ...process.env, AMIQ_CONFIG: '' } });
    const human = run('show', String(id));
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^results \(1 item\)$/m);
    expect(human.stdout).toMatch(/^ {2}1\. CoreShowChannel$/m);
    expect(human.stdout).toContain(`Channel: ${a.name}`);
    const json = JSON.parse(run('show', String(id), '--json').stdout) as {
      status: string;
      results: Array<{ seq: number; event: string; headers: Record<string, string> }>;
    };
    expect(json.status).toBe('SUCCESS');
    expect(json.results).toEqual([{ seq: 1, event: 'CoreShowChannel', headers: expect.objectContaining({ Channel: a.name }) }]);

    const later = Date.now() + 48 * 3_600_000;
    expect(await archiveTerminalRows({ db: t.db, server: 'default', settings: DEFAULT_MAINTENANCE, now: later })).toBe(1);
    expect(await listResults(t.db, id)).toHaveLength(1);
    expect(await pruneArchive(t.db, 'default', new Date(later).toISOString(), 10)).toBe(1);
    expect(await listResults(t.db, id)).toEqual([]);
  });
});

describe('a list action keeps its answer, bounded (stand-in client)', () => {
  let t: TestDb;
  beforeEach(async () => (t = await openTestDb()));
  afterEach(async () => t.cleanup());

  it(`keeps the first ${MAX_RESULT_ITEMS} items and says in the message how many were left out`, async () => {
    const client = new FakeClient();
    const item = (n: number): AmiMessage =>
      new AmiMessage('event', [
        ['Event', 'CoreShowChannel'],
        ['Channel', `PJSIP/${n}`],
        ['ChanVariable', 'A=1'],
        ['ChanVariable', 'B=2'],
      ]);
    client.listItems = Array.from({ length: MAX_RESULT_ITEMS + 5 }, (_, i) => item(i + 1));
    client.autoReply = () =>
      new AmiMessage('response', [
        ['Response', 'Success'],
        ['EventList', 'start'],
        ['Message', 'Channels will follow'],
      ]);
    const stop = new AbortController();
    const sender = new ActionSender(
      t.db,
      client,
      {
        server: 'default',
        policy: { allowedActions: ['CoreShowChannels'], allowedCommands: [] },
        ratePerSecond: 0,
        maxInFlight: 20,
        responseTimeoutMs: 1000,
        ttlSeconds: 60,
        drainMs: 200,
      },
      silent,
      { count: () => {}, setError: () => {} },
    );
    const running = sender.run(stop.signal);
    const id = await enqueue(t.db, { action: 'CoreShowChannels' });
    await until(async () => (await rowById(t.db, id)).status === 'SUCCESS', 'answered');
    const row = await rowById(t.db, id);
    stop.abort();
    await running;
    expect(row.message).toBe(
      `Channels will follow; results truncated: kept ${MAX_RESULT_ITEMS} of ${MAX_RESULT_ITEMS + 5} items (limit ${MAX_RESULT_ITEMS} items, 1 MiB)`,
    );
    const items = await listResults(t.db, id);
    expect(items).toHaveLength(MAX_RESULT_ITEMS);
    expect(JSON.parse(items.at(-1)!.headers)).toEqual({ Event: 'CoreShowChannel', Channel: `PJSIP/${MAX_RESULT_ITEMS}`, ChanVariable: ['A=1', 'B=2'] });
  });
});

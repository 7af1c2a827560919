import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchWorker } from '../src/cli/worker-launchers.js';
import { buildHttpServer, hashToken } from '../src/http/index.js';
import { parseConfig, type AmiqConfig } from '../src/shared/config/index.js';
import { migrateToLatest, openDatabase, type AmiqDatabase, type WakeSignal } from '../src/shared/db/index.js';
import { readWorker, runWorker } from '../src/shared/worker/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { until } from './helpers/action-sender-helpers.js';
import { freeUdpPort } from './helpers/free-udp-port.js';

const TOKEN = 'metrics-token';
const silent = pino({ level: 'silent' });

/** `name{labels} value` lines of a scrape, by name and label text. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

let dir: string;
let database: AmiqDatabase;
let sim: Simulator;
let config: AmiqConfig;
let app: FastifyInstance;
let signal: WakeSignal;
const stop = new AbortController();
const workers: Promise<unknown>[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amiq-metrics-'));
  database = await openDatabase({ path: join(dir, 'amiq.db') });
  await migrateToLatest(database.db);
  sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
  config = parseConfig({
    ami: { host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 100 },
    action_sender: { rate_per_second: 0 },
    heartbeat: { bind: '127.0.0.1', port: await freeUdpPort(), reply_port: await freeUdpPort() },
    workers: { beat_seconds: 0.2 },
    http: { tokens: [{ name: 'prom', hash: hashToken(TOKEN), rate_per_second: 0 }] },
  });
  for (const name of ['action-sender', 'heartbeat'] as const) {
    workers.push(
      runWorker({
        name,
        server: 'default',
        db: database.db,
        logger: silent,
        beatSeconds: 0.2,
        signal: stop.signal,
        handleProcessEvents: false,
        run: (ctx) => launchWorker(name, { config, db: database.db, database, ctx, flags: {} }),
      }),
    );
  }
  signal = database.wakeSignal({ intervalMs: 5 });
  app = await buildHttpServer({ config, db: database.db, logger: silent, changes: signal, closing: stop.signal });
  await app.ready();
  await until(async () => (await readWorker(database.db, 'default', 'action-sender'))?.ami_state === 'connected', 'sender connected');
});

afterAll(async () => {
  stop.abort();
  await Promise.allSettled(workers);
  await app.close();
  await signal.close();
  await sim.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async (): Promise<string> => {
  const res = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
};

it('needs a token', async () => {
  expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
});

it('reports real figures after real actions: rows by status, latencies, sent actions, AMI state, reconnects, heartbeat requests', async () => {
  const before = await scrape();
  const sentBefore = sample(before, 'amiq_actions_sent_total', 'server="default"') ?? 0;
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push(await database.dialect.insertId(database.db.insertInto('manager_queue').values({ action: 'Ping' })));
  await database.db.insertInto('manager_queue').values({ action: 'Ping', status: 'CANCELLED' }).execute();
  await until(async () => {
    const done = await database.db.selectFrom('manager_queue').select('id').where('status', '=', 'SUCCESS').execute();
    return done.length === 5;
  }, 'five SUCCESS rows');

  // Three datagrams to the heartbeat, each answered, then a dropped AMI connection the sender makes again.
  await until(async () => (await readWorker(database.db, 'default', 'heartbeat'))?.ami_state === 'connected', 'heartbeat connected');
  const replies = createSocket('udp4');
  await new Promise<void>((resolve) => replies.bind(config.heartbeat.reply_port, '127.0.0.1', resolve));
  const udp = createSocket('udp4');
  for (let i = 0; i < 3; i++) {
    const answered = once(replies, 'message');
    udp.send('x', config.heartbeat.port, '127.0.0.1');
    await answered;
  }
  udp.close();
  replies.close();
  sim.faults.dropAfterActions(1, { action: 'ExtensionState' });
  await database.db.insertInto('manager_queue').values({ action: 'ExtensionState', params: '{"Exten":"100","Context":"default"}' }).execute();
  const wanted = {
    heartbeatRequests: 3,
    reconnects: 1,
    connected: 1,
    sent: sentBefore + 6,
    sentToResponse: 5,
  };
  let seen = {};
  const figures = (text: string) => ({
    heartbeatRequests: sample(text, 'amiq_heartbeat_requests_total', 'server="default"'),
    reconnects: sample(text, 'amiq_ami_reconnects_total', 'server="default",worker="action-sender"'),
    connected: sample(text, 'amiq_ami_connected', 'server="default",worker="action-sender"'),
    sent: sample(text, 'amiq_actions_sent_total', 'server="default"'),
    sentToResponse: sample(text, 'amiq_sent_to_response_seconds_count', 'server="default"'),
  });
  await until(async () => {
    seen = figures(await scrape());
    return JSON.stringify(seen) === JSON.stringify(wanted);
  }, 'figures in the scrape').catch((err: Error) => {
    // Say which figure is off, not only that one is.
    expect(seen).toEqual(wanted);
    throw err;
  });

  const text = await scrape();
  expect(sample(text, 'amiq_queue_rows', 'server="default",status="SUCCESS"')).toBe(5);
  expect(sample(text, 'amiq_queue_rows', 'server="default",status="CANCELLED"')).toBe(1);
  // The action the connection dropped after: its fate unknown, never re-sent (sent, never answered).
  expect(sample(text, 'amiq_queue_rows', 'server="default",status="LOST"')).toBe(1);
  expect(sample(text, 'amiq_queue_rows', 'server="default",status="NEW"')).toBe(0);
  expect(sample(text, 'amiq_queue_oldest_new_seconds', 'server="default"')).toBe(0);
  expect(sample(text, 'amiq_insert_to_sent_seconds_count', 'server="default"')).toBe(6);
  // Every observation is a real interval: the sum is positive and below the +Inf count's worth of 30 s.
  const sum = sample(text, 'amiq_insert_to_sent_seconds_sum', 'server="default"')!;
  expect(sum).toBeGreaterThan(0);
  expect(sum).toBeLessThan(6 * 30);
  expect(sample(text, 'amiq_insert_to_sent_seconds_bucket', 'le="+Inf",server="default"')).toBe(6);
  expect(sample(text, 'amiq_worker_up', 'server="default",worker="action-sender"')).toBe(1);
  expect(sample(text, 'amiq_worker_up', 'server="default",worker="heartbeat"')).toBe(1);
  expect(text).toContain('amiq_http_process_cpu_user_seconds_total');
});

it('a waiting row shows in the oldest-NEW age; a worker whose beat is stale is down, its AMI not connected', async () => {
  await database.db.insertInto('manager_queue').values({ action: 'Ping', server: 'elsewhere' }).execute();
  await database.db
    .insertInto('workers')
    .values({
      server: 'elsewhere',
      name: 'action-sender',
      pid: 1,
      host: 'h',
      started_at: '2026-01-01T00:00:00.000Z',
      beat_at: '2026-01-01T00:00:00.000Z',
      state: 'running',
      ami_state: 'connected',
      counters: '{"sent":7,"ami_reconnects":2}',
    })
    .execute();
  const text = await scrape();
  expect(sample(text, 'amiq_queue_rows', 'server="elsewhere",status="NEW"')).toBe(1);
  expect(sample(text, 'amiq_queue_oldest_new_seconds', 'server="elsewhere"')).toBeGreaterThanOrEqual(0);
  expect(sample(text, 'amiq_worker_up', 'server="elsewhere",worker="action-sender"')).toBe(0);
  expect(sample(text, 'amiq_ami_connected', 'server="elsewhere",worker="action-sender"')).toBe(0);
  expect(sample(text, 'amiq_ami_reconnects_total', 'server="elsewhere",worker="action-sender"')).toBe(2);
  expect(sample(text, 'amiq_actions_sent_total', 'server="elsewhere"')).toBe(7);
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionSender, UNRECORDED_MAX, type SenderOptions } from '../src/action-sender/sender-loop.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';
import { FakeClient, silent, until } from './helpers/action-sender-helpers.js';

const policy = { allowedActions: ['Ping'], allowedCommands: [] };
const baseOpts: SenderOptions = { server: 'default', policy, ratePerSecond: 0, maxInFlight: 10, responseTimeoutMs: 1000, ttlSeconds: 600, drainMs: 200 };

/*
 * Asterisk answers at once, but the database will not take the answers (a trigger refuses every
 * recorded response, as a stalled or failing database would): the sender keeps them in memory
 * and must stop claiming once that many are waiting, not go on sending the whole queue.
 */
describe('action-sender: responses not yet recorded are bounded', () => {
  let t: TestDb;
  let client: FakeClient;
  let stop: AbortController;
  let running: Promise<void> | undefined;
  let failures = 0;

  const start = (over: Partial<SenderOptions>) => {
    const sender = new ActionSender(t.db, client, { ...baseOpts, ...over }, silent, { count: () => {}, setError: () => void failures++ });
    running = sender.run(stop.signal);
  };
  const insertRows = (n: number) =>
    t.sqlite.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) INSERT INTO manager_queue (action) SELECT 'Ping' FROM n`);
  const stallRecording = () =>
    t.sqlite.exec(
      `CREATE TRIGGER stall BEFORE UPDATE OF response ON manager_queue WHEN NEW.response IS NOT NULL BEGIN SELECT RAISE(ABORT, 'database stalled'); END`,
    );
  const countStatus = (status: string) => (t.sqlite.prepare(`SELECT count(*) AS n FROM manager_queue WHERE status = ?`).get(status) as { n: number }).n;

  beforeEach(async () => {
    t = await openTestDb();
    client = new FakeClient();
    stop = new AbortController();
    failures = 0;
    running = undefined;
  });
  afterEach(async () => {
    stop.abort();
    await running;
    await t.cleanup();
  });

  it('with max_in_flight set: at most max_in_flight answers wait; once the database takes them, every row is sent once', async () => {
    insertRows(200);
    stallRecording();
    start({ maxInFlight: 10 });
    await until(() => client.sent.length >= 10, 'the first writes');
    // Three failed recordings (retried at 50, 100, 200 ms): time enough to claim all 200 rows without the bound.
    await until(() => failures >= 3, 'three failed recordings');
    expect(client.sent.length).toBe(10);
    expect(countStatus('SENT')).toBe(10);

    t.sqlite.exec('DROP TRIGGER stall');
    await until(() => countStatus('SUCCESS') === 200, 'every row recorded', 20_000);
    expect(new Set(client.sent.map((s) => s.actionId)).size).toBe(200);
    expect(client.sent).toHaveLength(200);
  });

  it(`without max_in_flight: at most ${UNRECORDED_MAX} answers (plus one claim) wait in memory`, async () => {
    const rows = UNRECORDED_MAX + 500;
    insertRows(rows);
    stallRecording();
    start({ maxInFlight: 0, batchMax: 100 });
    await until(() => client.sent.length >= UNRECORDED_MAX, `${UNRECORDED_MAX} writes`);
    await until(() => failures >= 3, 'three failed recordings');
    expect(client.sent.length).toBeLessThanOrEqual(UNRECORDED_MAX + 100);
    expect(countStatus('NEW')).toBeGreaterThanOrEqual(rows - UNRECORDED_MAX - 100);

    t.sqlite.exec('DROP TRIGGER stall');
    await until(() => countStatus('SUCCESS') === rows, 'every row recorded', 20_000);
    expect(new Set(client.sent.map((s) => s.actionId)).size).toBe(rows);
  });
});

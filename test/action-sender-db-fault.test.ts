import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Engine } from '../src/shared/db/index.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { startPbxHost } from './helpers/pbx-host.js';
import { HAS_PRIVATE_MARIADB, HAS_PRIVATE_POSTGRES, startPrivateMariadb, startPrivatePostgres, type PrivateServer } from './helpers/private-server.js';
import { silent } from './helpers/manager-listener-helpers.js';

// The database server itself restarted while 1,000 rows flow (a server of the test's own, never
// the machine's shared ones): the workers survive and reconnect, a response that could not be
// recorded is kept until it can be, no row is lost and none is sent twice.
const ROWS = 1000;
const TERMINAL = ['SUCCESS', 'FAILED', 'LOST'];

const engines: Array<[Exclude<Engine, 'sqlite'>, () => Promise<PrivateServer>]> = [];
if (HAS_PRIVATE_POSTGRES) engines.push(['postgres', startPrivatePostgres]);
if (HAS_PRIVATE_MARIADB) engines.push(['mysql', startPrivateMariadb]);
if (engines.length < 2)
  console.log(`sender-db-fault: no private ${HAS_PRIVATE_POSTGRES ? 'MariaDB' : 'PostgreSQL'} binaries; that engine's fault test is skipped`);

describe.each(engines)('%s restarted while 1,000 rows flow', (_engine, startServer) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('every row ends sent once (each ActionID received once) with its response and call recorded', async () => {
    const server = await startServer();
    cleanups.push(() => server.stop());
    const setup = await openDatabase({ url: server.url, path: '' });
    await migrateToLatest(setup.db);
    const sim: Simulator = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
    cleanups.push(() => sim.close());

    const database = await openDatabase({ url: server.url, path: '', pollIntervalMs: 20 });
    // A flow of about two seconds, so the restart falls in the middle of it.
    const host = await startPbxHost(database, sim, 'default', (c) => (c.action_sender.rate_per_second = 500));
    cleanups.push(() => host.stop());

    const rows = Array.from({ length: ROWS }, () => ({
      action: 'Originate',
      channel: 'Local/100@default',
      params: JSON.stringify({ Exten: '300', Context: 'default', Priority: '1' }),
    }));
    await setup.db.insertInto('manager_queue').values(rows).execute();
    await setup.close();

    await sim.waitForAction((a) => a.action === 'Originate' && sim.actionCount('Originate') >= ROWS / 4, 10_000);
    await server.restart();

    const check = await openDatabase({ url: server.url, path: '' });
    cleanups.push(() => check.close());
    const counts = async () =>
      Object.fromEntries(
        (
          await check.db
            .selectFrom('manager_queue')
            .select(['status', 'call_state', (eb) => eb.fn.countAll<number>().as('n')])
            .groupBy(['status', 'call_state'])
            .execute()
        ).map((r) => [`${r.status}/${r.call_state ?? '-'}`, Number(r.n)]),
      );
    const deadline = Date.now() + 60_000;
    let byStatus: Record<string, number> = {};
    for (;;) {
      byStatus = await counts();
      const settled = Object.entries(byStatus).every(
        ([k]) => (TERMINAL.includes(k.split('/')[0]!) && !['DIALING', 'RINGING', 'UP', '-'].includes(k.split('/')[1]!)) || k.startsWith('LOST/'),
      );
      if (settled) break;
      if (Date.now() > deadline) throw new Error(`rows not settled after the restart: ${JSON.stringify(byStatus)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`sender-db-fault ${_engine}: final counts by status/call_state ${JSON.stringify(byStatus)}`);

    const received = sim.actions.filter((a) => a.action === 'Originate').map((a) => a.actionId!);
    expect(new Set(received).size).toBe(received.length);
    const recorded = await check.db.selectFrom('manager_queue').select(['status', 'action_id']).execute();
    expect(recorded).toHaveLength(ROWS);
    // No row lost: every one was sent and its answer and its call recorded.
    expect(byStatus).toEqual({ 'SUCCESS/ENDED': ROWS });
    expect(recorded.map((r) => r.action_id).sort()).toEqual([...received].sort());
  }, 120_000);
});

import { afterEach, beforeEach, expect, it } from 'vitest';
import type { QueueRow } from '../src/shared/db/schema.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';
import { startPbxHost } from './helpers/pbx-host.js';
import { plainClient, type PlainClient } from './helpers/plain-client.js';
import { silent } from './helpers/manager-listener-helpers.js';

// Two PBX hosts sharing one database (SPEC §1): each host's sender and listener serve only their
// own server, each with its own connection pool, as on two machines.
const SERVERS = ['pbx1', 'pbx2'] as const;
const ROWS_PER_SERVER = 12;

describeEngines(
  'two PBX servers on one database',
  (t) => {
    const sims = new Map<string, Simulator>();
    const stops: Array<() => Promise<void>> = [];
    let client: PlainClient;

    beforeEach(async () => {
      client = await plainClient(t);
    });
    afterEach(async () => {
      for (const stop of stops.splice(0).reverse()) await stop();
      for (const sim of sims.values()) await sim.close();
      sims.clear();
      await client.close();
    });

    /** One host: its simulator, its own database pool, its sender and listener for `server`. */
    async function startHost(server: string): Promise<void> {
      const sim = await startSimulator({ port: 0, timeScale: 0.01, logger: silent });
      sims.set(server, sim);
      const host = await startPbxHost(await t.openAnother(), sim, server);
      stops.push(() => host.stop());
    }

    const final = (r: QueueRow) => r.call_state === 'ENDED' || r.call_state === 'FAILED';

    it("each row is sent by its own server's sender, once, and every outcome is right", async () => {
      for (const server of SERVERS) await startHost(server);
      // Answered (exten 100: hang up after 5 s, scaled) and busy (400) calls, interleaved across servers.
      const expected = new Map<number, { server: string; exten: string }>();
      for (let i = 0; i < ROWS_PER_SERVER; i++) {
        for (const server of SERVERS) {
          const exten = i % 2 === 0 ? '100' : '400';
          const id = await client.insert({
            server,
            action: 'Originate',
            channel: `Local/${exten}@default`,
            params: { Exten: '300', Context: 'default', Priority: '1' },
          });
          expected.set(id, { server, exten });
        }
      }
      const ids = [...expected.keys()];
      let rows: QueueRow[] = [];
      const until = Date.now() + 15_000;
      for (;;) {
        rows = await t.db.selectFrom('manager_queue').selectAll().where('id', 'in', ids).orderBy('id').execute();
        // The response may be recorded after the call's events: a record that meets the listener's
        // row lock is retried (lock-wait.ts), so the status is awaited too, then checked below.
        if (rows.every((r) => final(r) && r.hangup_cause !== null && r.status !== 'SENDING' && r.status !== 'SENT')) break;
        if (Date.now() > until)
          throw new Error(`rows not settled: ${JSON.stringify(rows.filter((r) => !final(r)).map((r) => [r.id, r.server, r.status, r.call_state]))}`);
        await new Promise((res) => setTimeout(res, 25));
      }

      for (const r of rows) {
        const { server, exten } = expected.get(r.id)!;
        expect(r.server).toBe(server);
        expect(r.status, `row ${r.id}`).toBe('SUCCESS');
        if (exten === '100') expect(r, `row ${r.id}`).toMatchObject({ call_state: 'ENDED', call_reason: 4, hangup_cause: 16 });
        else expect(r, `row ${r.id}`).toMatchObject({ call_state: 'FAILED', call_reason: 5 });
      }
      // Each simulator received exactly its own server's ActionIDs, each once.
      for (const server of SERVERS) {
        const received = sims
          .get(server)!
          .actions.filter((a) => a.action.toLowerCase() === 'originate')
          .map((a) => a.actionId);
        const own = rows.filter((r) => r.server === server).map((r) => r.action_id);
        expect(received).toHaveLength(ROWS_PER_SERVER);
        expect(new Set(received).size).toBe(ROWS_PER_SERVER);
        expect([...received].sort()).toEqual([...own].sort());
      }
    });
  },
  SERVER_ENGINES,
);

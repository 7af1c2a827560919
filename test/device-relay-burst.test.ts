import { afterEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { describeEngines } from './helpers/engines.js';
import { startRelayHost, type RelayHost } from './helpers/relay-host.js';
import { silent } from './helpers/manager-listener-helpers.js';

const DEVICES = 1000;
const ROUNDS = 10;
const STATES = ['INUSE', 'RINGING', 'BUSY', 'ONHOLD', 'RINGINUSE', 'UNAVAILABLE', 'NOT_INUSE'] as const;
const stateOf = (device: number, round: number) => STATES[(device + round) % STATES.length]!;

describeEngines('device relay coalescing', (t) => {
  const sims: Simulator[] = [];
  const hosts: RelayHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    for (const s of sims.splice(0)) await s.close();
  });

  it('10,000 changes across 1,000 devices queue at most one row per device for a server, holding its latest state', async () => {
    const [a, b] = [await startSimulator({ port: 0, logger: silent }), await startSimulator({ port: 0, logger: silent })];
    sims.push(a, b);
    // B's sender is not running yet: every row the burst leaves for B stays NEW, to be counted.
    const hostA = await startRelayHost(await t.openAnother(), a, 'a', ['a', 'b']);
    const hostB = await startRelayHost(await t.openAnother(), b, 'b', ['a', 'b'], { sender: false });
    hosts.push(hostA, hostB);
    for (let round = 0; round < ROUNDS; round++) {
      for (let d = 0; d < DEVICES; d++) a.setDeviceState(`PJSIP/d${d}`, stateOf(d, round));
      // The simulator raises a device's change after the current task, as Asterisk's devicestate thread.
      await new Promise((r) => setImmediate(r));
    }
    await hostA.relay.reach('states', DEVICES * ROUNDS, 30_000);

    const final = (d: number) => stateOf(d, ROUNDS - 1);
    const rowsForB = () => t.db.selectFrom('manager_queue').select(['tag', 'params', 'status']).where('server', '=', 'b').execute();
    // The relay writes in the background: wait until B's rows hold the last round.
    const until = Date.now() + 30_000;
    for (;;) {
      const rows = await rowsForB();
      const latest = rows.filter((r) => {
        const p = JSON.parse(r.params) as { Variable: string; Value: string };
        return p.Value === final(Number(/d(\d+)\)/.exec(p.Variable)![1]));
      });
      if (latest.length === DEVICES) {
        expect(rows).toHaveLength(DEVICES);
        expect(new Set(rows.map((r) => r.tag)).size).toBe(DEVICES);
        expect(rows.every((r) => r.status === 'NEW')).toBe(true);
        break;
      }
      if (Date.now() > until) throw new Error(`${latest.length} of ${DEVICES} rows for b hold the last state (${rows.length} rows)`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // Inserted once per device; every later state updated that row (or was superseded in memory
    // first). The relay counts a write once its statement has answered, a moment after the rows show.
    await hostA.relay.reach('queued', DEVICES);
    expect(hostA.relay.get('queued')).toBe(DEVICES);
    expect(hostA.relay.get('coalesced')).toBeLessThanOrEqual(DEVICES * (ROUNDS - 1));

    // Once B's sender runs, B holds every device's last state, set once each.
    hostB.startSender();
    await hostB.sender.reach('success', DEVICES, 30_000);
    for (let d = 0; d < DEVICES; d++) expect(b.deviceState(`Custom:PJSIP/d${d}`)).toBe(final(d));
    expect(b.stateWrites()).toHaveLength(DEVICES);
  });
});

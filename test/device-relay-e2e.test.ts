import { afterEach, beforeEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { eventually } from './helpers/shared-helpers.js';
import { describeEngines } from './helpers/engines.js';
import { plainClient, type PlainClient } from './helpers/plain-client.js';
import { startRelayHost, untilDeviceState as until, type RelayHost } from './helpers/relay-host.js';
import { silent } from './helpers/manager-listener-helpers.js';

// Servers of one relay group sharing one database, each with its simulator, device relay and
// action-sender (each host its own connection pool, as on separate machines).
const PHONE = 'PJSIP/phone800';
const CUSTOM = `Custom:${PHONE}`;

describeEngines('device relay between simulated servers', (t) => {
  const sims = new Map<string, Simulator>();
  const hosts = new Map<string, RelayHost>();
  let client: PlainClient;

  beforeEach(async () => {
    client = await plainClient(t);
  });
  afterEach(async () => {
    for (const h of hosts.values()) await h.stop();
    hosts.clear();
    for (const s of sims.values()) await s.close();
    sims.clear();
    await client.close();
  });

  async function startGroup(servers: readonly string[], opts: { sender?: boolean } = {}): Promise<void> {
    for (const s of servers) sims.set(s, await startSimulator({ port: 0, timeScale: 0.01, logger: silent }));
    for (const s of servers) hosts.set(s, await startRelayHost(await t.openAnother(), sims.get(s)!, s, servers, opts));
  }

  const relayRows = (server: string) =>
    t.db.selectFrom('manager_queue').select(['tag', 'params', 'status']).where('server', '=', server).where('action', '=', 'SetVar').orderBy('id').execute();

  it('a call on A turns Custom:<device> busy on B and C and idle when it ends; nothing comes back to A', async () => {
    await startGroup(['a', 'b', 'c']);
    const [a, b, c] = ['a', 'b', 'c'].map((s) => sims.get(s)!) as [Simulator, Simulator, Simulator];
    // The call is a row for A's own sender, as any client would queue it.
    await client.insert({ server: 'a', action: 'Originate', channel: 'Local/800@default', params: { Exten: '300', Context: 'default', Priority: '1' } });
    await Promise.all([until(b, CUSTOM, 'INUSE'), until(c, CUSTOM, 'INUSE')]);
    const phone = a.channels().find((ch) => ch.name.startsWith(`${PHONE}-`))!;
    a.hangup(phone.name);
    await Promise.all([until(b, CUSTOM, 'NOT_INUSE'), until(c, CUSTOM, 'NOT_INUSE')]);
    expect(a.deviceState(PHONE)).toBe('NOT_INUSE');

    // B and C heard their Custom: device change (RINGING?, INUSE, NOT_INUSE) and relayed none of it.
    for (const h of [hosts.get('b')!, hosts.get('c')!]) await h.relay.reach('skipped', 2);
    expect(a.stateWrites()).toEqual([]);
    expect(await relayRows('a')).toEqual([]);
    for (const server of ['b', 'c']) {
      // One row per write, each answered and recorded (at most once). A state may come twice
      // (updated into a row the sender claimed at that instant, then queued again): wait for
      // every row to be answered before comparing.
      const rows = await eventually(async () => {
        const got = await relayRows(server);
        return got.every((r) => r.status === 'SUCCESS') && got.length === sims.get(server)!.stateWrites().length ? got : undefined;
      });
      const writes = sims.get(server)!.stateWrites();
      expect(writes.every((w) => w.accepted && w.variable === `DEVICE_STATE(${CUSTOM})`)).toBe(true);
      expect(writes.at(-1)?.value).toBe('NOT_INUSE');
      expect(rows.map((r) => [r.tag, r.status, JSON.parse(r.params)])).toEqual(
        writes.map((w) => [`relay:DEVICE_STATE(${CUSTOM})`, 'SUCCESS', { Variable: w.variable, Value: w.value }]),
      );
    }
  });

  it('two servers relaying to each other never ping-pong a device or a presence', async () => {
    await startGroup(['a', 'b']);
    const [a, b] = [sims.get('a')!, sims.get('b')!];
    a.setDeviceState('PJSIP/2001', 'BUSY');
    b.setDeviceState('PJSIP/3001', 'RINGING');
    await Promise.all([until(b, 'Custom:PJSIP/2001', 'BUSY'), until(a, 'Custom:PJSIP/3001', 'RINGING')]);
    // Each heard its Custom: change and dropped it.
    await Promise.all([hosts.get('a')!.relay.reach('skipped', 1), hosts.get('b')!.relay.reach('skipped', 1)]);

    // Presence has one name everywhere: B reports back what the relay set; the queue tells it is an echo.
    a.setPresenceState('CustomPresence:alice', 'away', 'lunch', 'back at 2, or 3');
    await hosts.get('b')!.relay.reach('echoes', 1);
    expect(b.presenceState('CustomPresence:alice')).toMatchObject({ status: 'away', subtype: 'lunch', message: 'back at 2, or 3' });
    b.setPresenceState('CustomPresence:alice', 'available');
    await hosts.get('a')!.relay.reach('echoes', 1);
    expect(a.presenceState('CustomPresence:alice')?.status).toBe('available');

    // Exactly one write per change on each side: nothing bounced.
    const writes = (s: Simulator) => s.stateWrites().map((w) => `${w.variable}=${w.value}`);
    expect(writes(b)).toEqual([
      'DEVICE_STATE(Custom:PJSIP/2001)=BUSY',
      `PRESENCE_STATE(CustomPresence:alice)=away,${b64('lunch')},${b64('back at 2, or 3')},e`,
    ]);
    expect(writes(a)).toEqual(['DEVICE_STATE(Custom:PJSIP/3001)=RINGING', 'PRESENCE_STATE(CustomPresence:alice)=available']);
    expect((await relayRows('a')).length + (await relayRows('b')).length).toBe(4);
  });
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

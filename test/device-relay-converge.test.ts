import { afterEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { describeEngines } from './helpers/engines.js';
import { startRelayHost, untilDeviceState as until, type RelayHost } from './helpers/relay-host.js';
import { silent } from './helpers/manager-listener-helpers.js';

describeEngines('device relay convergence', (t) => {
  const sims = new Map<string, Simulator>();
  const hosts: RelayHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    for (const s of sims.values()) await s.close();
    sims.clear();
  });

  const sim = (name: string) => sims.get(name)!;

  it('states held before the relay starts are relayed once it does (DeviceStateList, PresenceStateList)', async () => {
    const group = ['a', 'b'];
    for (const s of group) sims.set(s, await startSimulator({ port: 0, timeScale: 0.01, logger: silent }));
    sim('a').setDeviceState('PJSIP/2001', 'ONHOLD');
    sim('a').setPresenceState('CustomPresence:alice', 'dnd');
    for (const s of group) hosts.push(await startRelayHost(await t.openAnother(), sim(s), s, group));
    await until(sim('b'), 'Custom:PJSIP/2001', 'ONHOLD');
    expect(
      sim('b')
        .stateWrites()
        .map((w) => w.variable),
    ).toContain('DEVICE_STATE(Custom:PJSIP/2001)');
    const presence = await new Promise<string | undefined>((resolve) => {
      const now = sim('b').presenceState('CustomPresence:alice');
      if (now) return resolve(now.status);
      sim('b').on('presence-state', (p) => resolve(p.status));
    });
    expect(presence).toBe('dnd');
  });

  it('a restarted server gets back what the others relayed to it, and relays what it holds now', async () => {
    const group = ['a', 'b', 'c'];
    for (const s of group) sims.set(s, await startSimulator({ port: 0, timeScale: 0.01, logger: silent }));
    for (const s of group) hosts.push(await startRelayHost(await t.openAnother(), sim(s), s, group));
    sim('a').setDeviceState('PJSIP/2001', 'BUSY');
    sim('c').setDeviceState('PJSIP/4001', 'RINGING');
    sim('b').setDeviceState('PJSIP/3001', 'INUSE');
    await Promise.all([
      until(sim('b'), 'Custom:PJSIP/2001', 'BUSY'),
      until(sim('b'), 'Custom:PJSIP/4001', 'RINGING'),
      until(sim('a'), 'Custom:PJSIP/3001', 'INUSE'),
      until(sim('c'), 'Custom:PJSIP/3001', 'INUSE'),
    ]);

    // B's Asterisk restarts with nothing: no Custom: states, its phone idle. Its device state is
    // set before B's relay can have logged in again, so only the list can tell it.
    const port = sim('b').port;
    await sim('b').close();
    const b2 = await startSimulator({ port, timeScale: 0.01, logger: silent });
    sims.set('b', b2);
    b2.setDeviceState('PJSIP/3001', 'NOT_INUSE');
    await Promise.all([
      until(b2, 'Custom:PJSIP/2001', 'BUSY'),
      until(b2, 'Custom:PJSIP/4001', 'RINGING'),
      until(sim('a'), 'Custom:PJSIP/3001', 'NOT_INUSE'),
      until(sim('c'), 'Custom:PJSIP/3001', 'NOT_INUSE'),
    ]);
    // A heard each change of the others once; B's restart brought it only B's new state.
    expect(
      sim('a')
        .stateWrites()
        .map((w) => `${w.variable}=${w.value}`)
        .sort(),
    ).toEqual(['DEVICE_STATE(Custom:PJSIP/3001)=INUSE', 'DEVICE_STATE(Custom:PJSIP/3001)=NOT_INUSE', 'DEVICE_STATE(Custom:PJSIP/4001)=RINGING']);
  });
});

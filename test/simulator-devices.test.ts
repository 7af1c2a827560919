import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/index.js';
import type { AmiClient } from '../src/shared/ami/client.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { connectedClient, stopClients } from './helpers/ami-client-fixtures.js';

let sim: Simulator | undefined;

afterEach(async () => {
  await stopClients();
  await sim?.close();
  sim = undefined;
});

async function setup(opts: SimulatorOptions = {}): Promise<{ sim: Simulator; client: AmiClient; seen: AmiMessage[] }> {
  sim = await startSimulator({ port: 0, timeScale: 0.01, ...opts });
  const client = await connectedClient(sim.port);
  const seen: AmiMessage[] = [];
  client.on('event', (m: AmiMessage) => seen.push(m));
  return { sim, client, seen };
}

/** Resolves with the first event (seen or to come) matching. */
function waitEvent(client: AmiClient, seen: AmiMessage[], pred: (m: AmiMessage) => boolean): Promise<AmiMessage> {
  const got = seen.find(pred);
  if (got) return Promise.resolve(got);
  return new Promise((resolve) => {
    const on = (m: AmiMessage) => {
      if (!pred(m)) return;
      client.off('event', on);
      resolve(m);
    };
    client.on('event', on);
  });
}

const isDevice = (device: string, state?: string) => (m: AmiMessage) =>
  m.eventName === 'DeviceStateChange' && m.get('Device') === device && (state === undefined || m.get('State') === state);

const deviceFrame = (device: string, state: string) => [
  ['Event', 'DeviceStateChange'],
  ['Privilege', 'call,all'],
  ['Device', device],
  ['State', state],
];

const statesOf = (seen: AmiMessage[], device: string) => seen.filter(isDevice(device)).map((m) => m.get('State'));

describe('simulator devices: DeviceStateChange from channels', () => {
  it('a dialled phone goes RINGING, INUSE, NOT_INUSE, each once, after its Newstate', async () => {
    const { sim, client, seen } = await setup();
    const reply = await client.send('Originate', { Channel: 'Local/800@default', Exten: '300', Context: 'default', Priority: 1, Async: 'true' });
    expect(reply.get('Response')).toBe('Success');
    const inuse = await waitEvent(client, seen, isDevice('PJSIP/phone800', 'INUSE'));
    expect(inuse.headers).toEqual(deviceFrame('PJSIP/phone800', 'INUSE'));
    const phone = sim.channels().find((c) => c.name.startsWith('PJSIP/phone800-'))!;
    expect(phone.state).toBe('Up');
    expect(sim.deviceState('PJSIP/phone800')).toBe('INUSE');
    // The device's event follows the channel's Newstate, as the devicestate thread computes it after.
    const ringing = seen.findIndex(isDevice('PJSIP/phone800', 'RINGING'));
    const newstate = seen.findIndex((m) => m.eventName === 'Newstate' && m.get('Channel') === phone.name && m.get('ChannelStateDesc') === 'Ringing');
    expect(newstate).toBeGreaterThanOrEqual(0);
    expect(ringing).toBeGreaterThan(newstate);
    sim.hangup(phone.name);
    await waitEvent(client, seen, isDevice('PJSIP/phone800', 'NOT_INUSE'));
    expect(statesOf(seen, 'PJSIP/phone800')).toEqual(['RINGING', 'INUSE', 'NOT_INUSE']);
    expect(sim.deviceStates()['PJSIP/phone800']).toBe('NOT_INUSE');
  });

  it('Local devices keep their uncached events; only real changes of a cached device are raised', async () => {
    const { sim, client, seen } = await setup();
    const changes: string[] = [];
    sim.on('device-state', (s) => changes.push(`${s.device}=${s.state}`));
    await client.send('Originate', { Channel: 'Local/600@default', Exten: '600', Context: 'default', Priority: 1, Async: 'true' });
    // Captured: both halves report Local/600@default INUSE (Local channels bypass the cache).
    await waitEvent(client, seen, (m) => statesOf([m], 'Local/600@default').length > 0 && seen.filter(isDevice('Local/600@default', 'INUSE')).length === 2);
    sim.setDeviceState('PJSIP/2001', 'BUSY');
    sim.setDeviceState('PJSIP/2001', 'BUSY');
    sim.setDeviceState('PJSIP/2002', 'UNAVAILABLE');
    await waitEvent(client, seen, isDevice('PJSIP/2002'));
    expect(statesOf(seen, 'PJSIP/2001')).toEqual(['BUSY']);
    sim.setDeviceState('PJSIP/2001', null);
    const idle = await waitEvent(client, seen, isDevice('PJSIP/2001', 'NOT_INUSE'));
    expect(idle.headers).toEqual(deviceFrame('PJSIP/2001', 'NOT_INUSE'));
    expect(changes).toEqual(['Local/600@default=INUSE', 'Local/600@default=INUSE', 'PJSIP/2001=BUSY', 'PJSIP/2002=UNAVAILABLE', 'PJSIP/2001=NOT_INUSE']);
    expect(() => sim.setDeviceState('PJSIP/2001', 'SLEEPY' as never)).toThrow(/state "SLEEPY"/);
    expect(() => sim.setDeviceState('nodevice', 'BUSY')).toThrow(/device "nodevice"/);
  });
});

describe('simulator devices: SetVar / Getvar DEVICE_STATE(Custom:…)', () => {
  it('sets a custom device, raises DeviceStateChange once per change, and reads it back', async () => {
    const { sim, client, seen } = await setup();
    const set = await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:SIP/100)', Value: 'INUSE' });
    expect(set.get('Response')).toBe('Success');
    expect(set.get('Message')).toBe('Variable Set');
    const ev = await waitEvent(client, seen, isDevice('Custom:SIP/100'));
    expect(ev.headers).toEqual(deviceFrame('Custom:SIP/100', 'INUSE'));
    // Same state again: the cache holds INUSE, nothing is raised; a real change is.
    expect((await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:SIP/100)', Value: 'inuse' })).get('Response')).toBe('Success');
    expect((await client.send('Setvar', { Variable: 'DEVICE_STATE(custom:SIP/100)', Value: 'NOT_INUSE' })).get('Response')).toBe('Success');
    await waitEvent(client, seen, isDevice('Custom:SIP/100', 'NOT_INUSE'));
    expect(statesOf(seen, 'Custom:SIP/100')).toEqual(['INUSE', 'NOT_INUSE']);
    const get = await client.send('Getvar', { Variable: 'DEVICE_STATE(Custom:SIP/100)' });
    expect([get.get('Response'), get.get('Variable'), get.get('Value')]).toEqual(['Success', 'DEVICE_STATE(Custom:SIP/100)', 'NOT_INUSE']);
    expect((await client.send('Getvar', { Variable: 'DEVICE_STATE(Custom:never)' })).get('Value')).toBe('UNKNOWN');
    expect((await client.send('Getvar', { Variable: 'DEVICE_STATE(PJSIP/2001)' })).get('Value')).toBe('NOT_INUSE');
    expect(sim.deviceState('Custom:SIP/100')).toBe('NOT_INUSE');
    expect(sim.stateWrites().map((w) => [w.kind, w.variable, w.value, w.accepted])).toEqual([
      ['device', 'DEVICE_STATE(Custom:SIP/100)', 'INUSE', true],
      ['device', 'DEVICE_STATE(Custom:SIP/100)', 'inuse', true],
      ['device', 'DEVICE_STATE(custom:SIP/100)', 'NOT_INUSE', true],
    ]);
  });

  it('refuses what func_devstate refuses with Variable not set, and changes nothing', async () => {
    const { sim, client, seen } = await setup();
    for (const [variable, value] of [
      ['DEVICE_STATE(Custom:lamp)', 'SLEEPY'],
      ['DEVICE_STATE(Custom:lamp)', 'UNKNOWN'],
      ['DEVICE_STATE(Custom:lamp)', ''],
      ['DEVICE_STATE(Custom:)', 'BUSY'],
      ['DEVICE_STATE(PJSIP/2001)', 'BUSY'],
    ]) {
      const r = await client.send('Setvar', { Variable: variable!, Value: value! });
      expect([r.get('Response'), r.get('Message')]).toEqual(['Error', 'Variable not set']);
    }
    expect(sim.stateWrites().every((w) => !w.accepted)).toBe(true);
    expect(sim.deviceState('Custom:lamp')).toBe('UNKNOWN');
    await client.send('Ping');
    expect(seen.filter((m) => m.eventName === 'DeviceStateChange')).toEqual([]);
  });

  it('a read-only user gets Permission denied, as for every Setvar', async () => {
    sim = await startSimulator({ port: 0 });
    const client = await connectedClient(sim.port, { username: 'readonly', secret: 'readonly' });
    const r = await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:lamp)', Value: 'BUSY' });
    expect(r.get('Message')).toBe('Permission denied');
    expect(sim.stateWrites()).toEqual([]);
  });
});

describe('simulator devices: PRESENCE_STATE(CustomPresence:…)', () => {
  it('raises PresenceStateChange with Presentity, Status, Subtype, Message on every set', async () => {
    const { sim, client, seen } = await setup();
    const states: string[] = [];
    sim.on('presence-state', (p) => states.push(`${p.provider}=${p.status}`));
    const r = await client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:alice)', Value: 'away,lunch,Back at 2' });
    expect([r.get('Response'), r.get('Message')]).toEqual(['Success', 'Variable Set']);
    const ev = await waitEvent(client, seen, (m) => m.eventName === 'PresenceStateChange');
    expect(ev.headers).toEqual([
      ['Event', 'PresenceStateChange'],
      ['Privilege', 'call,all'],
      ['Presentity', 'CustomPresence:alice'],
      ['Status', 'away'],
      ['Subtype', 'lunch'],
      ['Message', 'Back at 2'],
    ]);
    // The e option: subtype and message arrive base64-encoded and are published decoded.
    const enc = (s: string) => Buffer.from(s).toString('base64');
    await client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:alice)', Value: `DND,${enc('on a call')},${enc('say "hi"')},e` });
    const dnd = await waitEvent(client, seen, (m) => m.eventName === 'PresenceStateChange' && m.get('Status') === 'dnd');
    expect([dnd.get('Subtype'), dnd.get('Message')]).toEqual(['on a call', 'say \\"hi\\"']);
    await client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:alice)', Value: 'dnd' });
    await waitEvent(client, seen, (m) => m.eventName === 'PresenceStateChange' && m.get('Subtype') === '');
    expect(states).toEqual(['CustomPresence:alice=away', 'CustomPresence:alice=dnd', 'CustomPresence:alice=dnd']);
    const read = async (field: string) => (await client.send('Getvar', { Variable: `PRESENCE_STATE(CustomPresence:alice,${field})` })).get('Value');
    expect(await read('value')).toBe('dnd');
    await client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:alice)', Value: 'xa,far,away' });
    expect([await read('value'), await read('subtype'), await read('message'), await read('message,e')]).toEqual(['xa', 'far', 'away', enc('away')]);
    expect(sim.presenceState('CustomPresence:alice')).toEqual({ provider: 'CustomPresence:alice', status: 'xa', subtype: 'far', message: 'away' });
  });

  it('refuses an invalid state, options, or provider', async () => {
    const { sim, client } = await setup();
    for (const [variable, value] of [
      ['PRESENCE_STATE(CustomPresence:bob)', 'sleeping'],
      ['PRESENCE_STATE(CustomPresence:bob)', ',sub,msg'],
      ['PRESENCE_STATE(CustomPresence:bob)', 'away,,,x'],
      ['PRESENCE_STATE(SIP/bob)', 'away'],
      ['PRESENCE_STATE(CustomPresence:)', 'away'],
    ]) {
      const r = await client.send('Setvar', { Variable: variable!, Value: value! });
      expect([r.get('Response'), r.get('Message')]).toEqual(['Error', 'Variable not set']);
    }
    expect(sim.presenceState('CustomPresence:bob')).toBeUndefined();
    expect((await client.send('Getvar', { Variable: 'PRESENCE_STATE(CustomPresence:bob,value)' })).get('Value')).toBe('');
  });
});

describe('simulator devices: DeviceStateList and PresenceStateList', () => {
  it('list every cached device and presentity in one event list', async () => {
    const { sim, client } = await setup();
    await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:a)', Value: 'BUSY' });
    await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:b)', Value: 'RINGING' });
    sim.setDeviceState('PJSIP/2001', 'INUSE');
    sim.setPresenceState('CustomPresence:alice', 'available', '', 'hi');
    await client.send('Ping');
    const list = await client.sendList('DeviceStateList', { ActionID: 'dl1' });
    expect(list.response.headers).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'dl1'],
      ['EventList', 'start'],
      ['Message', 'Device State Changes will follow'],
    ]);
    expect(list.events.map((m) => m.headers)).toEqual([
      [
        ['Event', 'DeviceStateChange'],
        ['ActionID', 'dl1'],
        ['Device', 'Custom:a'],
        ['State', 'BUSY'],
      ],
      [
        ['Event', 'DeviceStateChange'],
        ['ActionID', 'dl1'],
        ['Device', 'Custom:b'],
        ['State', 'RINGING'],
      ],
      [
        ['Event', 'DeviceStateChange'],
        ['ActionID', 'dl1'],
        ['Device', 'PJSIP/2001'],
        ['State', 'INUSE'],
      ],
    ]);
    expect(list.complete?.headers).toEqual([
      ['Event', 'DeviceStateListComplete'],
      ['ActionID', 'dl1'],
      ['EventList', 'Complete'],
      ['ListItems', '3'],
    ]);
    const pl = await client.sendList('PresenceStateList', { ActionID: 'pl1' });
    expect(pl.response.get('Message')).toBe('Presence State Changes will follow');
    expect(pl.events.map((m) => m.headers)).toEqual([
      [
        ['Event', 'PresenceStateChange'],
        ['ActionID', 'pl1'],
        ['Presentity', 'CustomPresence:alice'],
        ['Status', 'available'],
        ['Subtype', ''],
        ['Message', 'hi'],
      ],
    ]);
    expect(pl.complete?.get('ListItems')).toBe('1');
  });
});

describe('simulator devices: hints and ExtensionStatus', () => {
  it('reports a hinted extension as its devices change, with Status and StatusText', async () => {
    const { sim, client, seen } = await setup({ hints: { '2001@default': 'PJSIP/phone800&Custom:2001' } });
    const statuses = () => seen.filter((m) => m.eventName === 'ExtensionStatus').map((m) => `${m.get('Status')} ${m.get('StatusText')}`);
    await client.send('Originate', { Channel: 'Local/800@default', Exten: '300', Context: 'default', Priority: 1, Async: 'true' });
    const inuse = await waitEvent(client, seen, (m) => m.eventName === 'ExtensionStatus' && m.get('Status') === '1');
    expect(inuse.headers).toEqual([
      ['Event', 'ExtensionStatus'],
      ['Privilege', 'call,all'],
      ['Exten', '2001'],
      ['Context', 'default'],
      ['Hint', 'PJSIP/phone800&Custom:2001'],
      ['Status', '1'],
      ['StatusText', 'InUse'],
    ]);
    // The device's DeviceStateChange comes first, then the hint's (capture 17).
    expect(seen.indexOf(inuse)).toBeGreaterThan(seen.findIndex(isDevice('PJSIP/phone800', 'INUSE')));
    await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:2001)', Value: 'RINGING' });
    await waitEvent(client, seen, (m) => m.eventName === 'ExtensionStatus' && m.get('Status') === '9');
    const state = await client.send('ExtensionState', { Exten: '2001', Context: 'default' });
    expect([state.get('Hint'), state.get('Status'), state.get('StatusText')]).toEqual(['PJSIP/phone800&Custom:2001', '9', 'InUse&Ringing']);
    await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:2001)', Value: 'NOT_INUSE' });
    sim.hangup(sim.channels().find((c) => c.name.startsWith('PJSIP/phone800-'))!.name);
    await waitEvent(client, seen, (m) => m.eventName === 'ExtensionStatus' && m.get('Status') === '0');
    expect(statuses()).toEqual(['8 Ringing', '1 InUse', '9 InUse&Ringing', '1 InUse', '0 Idle']);
    const list = await client.sendList('ExtensionStateList', { ActionID: 'el' });
    expect(list.response.get('Message')).toBe('Extension Statuses will follow');
    expect(list.events.map((m) => m.headers)).toEqual([
      [
        ['Event', 'ExtensionStatus'],
        ['ActionID', 'el'],
        ['Exten', '2001'],
        ['Context', 'default'],
        ['Hint', 'PJSIP/phone800&Custom:2001'],
        ['Status', '0'],
        ['StatusText', 'Idle'],
      ],
    ]);
    expect(list.complete?.get('ListItems')).toBe('1');
  });

  it('refuses malformed hints naming the entry', async () => {
    await expect(startSimulator({ port: 0, hints: { '2001': 'PJSIP/2001' } })).rejects.toThrow(/"2001" must be exten@context/);
    await expect(startSimulator({ port: 0, hints: { '2001@default': 'PJSIP/2001&' } })).rejects.toThrow(/must be devices joined by &/);
  });
});

describe('simulator devices: versions', () => {
  it.each(['asterisk-18', 'asterisk-20'] as const)('%s raises the same device and presence events as 22', async (profile) => {
    const { client, seen } = await setup({ profile });
    await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:x)', Value: 'ONHOLD' });
    const ev = await waitEvent(client, seen, isDevice('Custom:x'));
    expect(ev.headers).toEqual(deviceFrame('Custom:x', 'ONHOLD'));
    expect((await client.sendList('DeviceStateList')).complete?.get('ListItems')).toBe('1');
  });

  it('asterisk-11 has no DeviceStateChange nor list actions; its ExtensionStatus has no StatusText', async () => {
    const { sim, client, seen } = await setup({ profile: 'asterisk-11', hints: { '100@default': 'SIP/100' } });
    sim.setDeviceState('SIP/100', 'BUSY');
    const ev = await waitEvent(client, seen, (m) => m.eventName === 'ExtensionStatus');
    expect(ev.headers).toEqual([
      ['Event', 'ExtensionStatus'],
      ['Privilege', 'call,all'],
      ['Exten', '100'],
      ['Context', 'default'],
      ['Hint', 'SIP/100'],
      ['Status', '2'],
    ]);
    expect(seen.some((m) => m.eventName === 'DeviceStateChange')).toBe(false);
    expect((await client.send('DeviceStateList')).get('Message')).toMatch(/^Invalid\/unknown command: DeviceStateList/);
  });
});

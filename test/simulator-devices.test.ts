import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/simulator/index.js';
import type { AmiClient } from '../src/shared/ami/client.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { connectedClient, stopClients } from './helpers/ami-client-fixtures.js';
import { runSimulate, type SimulateFlags } from '../src/cli/commands/simulate.js';

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
    await waitEvent(client, seen, isDevice('PJSIP/2001', 'BUSY'));
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

describe('simulator devices: phone calls without an Originate', () => {
  it('ring then answer; the device aggregates its channels: RINGINUSE while a second call rings', async () => {
    const { sim, client, seen } = await setup({ hints: { '2001@default': 'PJSIP/2001' } });
    const first = sim.addPhoneCall('PJSIP/2001', { callerIdNum: '555' });
    expect(first.name).toMatch(/^PJSIP\/2001-[0-9a-f]{8}$/);
    await waitEvent(client, seen, isDevice('PJSIP/2001', 'INUSE'));
    const second = sim.addPhoneCall('PJSIP/2001', { answerAfterMs: null });
    await waitEvent(client, seen, isDevice('PJSIP/2001', 'RINGINUSE'));
    expect(sim.answerPhoneCall(second.name)).toBe(true);
    expect(sim.answerPhoneCall(second.name)).toBe(false);
    await waitEvent(client, seen, (m) => m.eventName === 'Newstate' && m.get('Channel') === second.name && m.get('ChannelStateDesc') === 'Up');
    sim.hangup(second.name);
    sim.hangup(first.name);
    await waitEvent(client, seen, isDevice('PJSIP/2001', 'NOT_INUSE'));
    expect(statesOf(seen, 'PJSIP/2001')).toEqual(['RINGING', 'INUSE', 'RINGINUSE', 'INUSE', 'NOT_INUSE']);
    expect(seen.filter((m) => m.eventName === 'ExtensionStatus').map((m) => m.get('StatusText'))).toEqual([
      'Ringing',
      'InUse',
      'InUse&Ringing',
      'InUse',
      'Idle',
    ]);
    const newchannel = seen.find((m) => m.eventName === 'Newchannel' && m.get('Channel') === first.name)!;
    expect([newchannel.get('CallerIDNum'), newchannel.get('ChannelStateDesc')]).toEqual(['555', 'Down']);
    expect(() => sim.addPhoneCall('Local/100@default')).toThrow(/must be Tech\/resource \(not Local\)/);
  });
});

describe('simulator devices: varied event order', () => {
  /** Five phones ring, answer and hang up under a seed; what the wire showed, Uniqueids left out. */
  async function run(seed: number): Promise<string[]> {
    const { sim, client, seen } = await setup({ seed, mixWindowMs: 2 });
    const phones = [1, 2, 3, 4, 5].map((i) => sim.addPhoneCall(`PJSIP/20${i}`, { answerAfterMs: null }).name);
    for (let i = 1; i <= 5; i++) await waitEvent(client, seen, isDevice(`PJSIP/20${i}`, 'RINGING'));
    for (const name of phones) sim.answerPhoneCall(name);
    for (let i = 1; i <= 5; i++) await waitEvent(client, seen, isDevice(`PJSIP/20${i}`, 'INUSE'));
    for (const name of phones) sim.hangup(name);
    for (let i = 1; i <= 5; i++) await waitEvent(client, seen, isDevice(`PJSIP/20${i}`, 'NOT_INUSE'));
    await stopClients();
    await sim.close();
    return seen
      .filter((m) => ['Newstate', 'Hangup', 'DeviceStateChange'].includes(m.eventName ?? ''))
      .map((m) => `${m.eventName} ${(m.get('Channel') ?? m.get('Device'))!.replace(/-[0-9a-f]{8}$/, '')} ${m.get('ChannelStateDesc') ?? m.get('State') ?? ''}`);
  }

  it('the same seed gives the same interleaving; each device event follows the channel change it reports', async () => {
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    for (let i = 1; i <= 5; i++) {
      const d = `PJSIP/20${i}`;
      for (const [cause, effect] of [
        [`Newstate ${d} Ringing`, `DeviceStateChange ${d} RINGING`],
        [`Newstate ${d} Up`, `DeviceStateChange ${d} INUSE`],
        [`Hangup ${d} Up`, `DeviceStateChange ${d} NOT_INUSE`],
      ]) {
        expect(a.indexOf(cause!)).toBeGreaterThanOrEqual(0);
        expect(a.indexOf(effect!)).toBeGreaterThan(a.indexOf(cause!));
      }
    }
    expect(a.filter((l) => l.startsWith('DeviceStateChange'))).toHaveLength(15);
  });
});

describe('simulator devices: SetVar / Getvar DEVICE_STATE(Custom:…)', () => {
  it('sets a custom device, raises DeviceStateChange once per change, and reads it back', async () => {
    const { sim, client, seen } = await setup();
    const written: string[] = [];
    sim.on('state-write', (w) => written.push(`${w.variable}=${w.value} ${w.accepted} ${w.actionId}`));
    const set = await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:SIP/100)', Value: 'INUSE', ActionID: 'sv1' });
    expect(written).toEqual(['DEVICE_STATE(Custom:SIP/100)=INUSE true sv1']);
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
    expect((await client.send('Getvar', { Variable: 'DEVICE_STATE(CUSTOM:SIP/100)' })).get('Value')).toBe('NOT_INUSE');
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
      ['device_state(Custom:lamp)', 'BUSY'],
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

describe('simulator devices: registered endpoints', () => {
  it('are listed NOT_INUSE by DeviceStateList from the start, and raise events once they change', async () => {
    const { sim, client, seen } = await setup({ endpoints: ['PJSIP/2001', 'PJSIP/2002'] });
    const list = await client.sendList('DeviceStateList');
    expect(list.events.map((m) => [m.get('Device'), m.get('State')])).toEqual([
      ['PJSIP/2001', 'NOT_INUSE'],
      ['PJSIP/2002', 'NOT_INUSE'],
    ]);
    sim.setDeviceState('PJSIP/2002', 'UNAVAILABLE');
    const ev = await waitEvent(client, seen, isDevice('PJSIP/2002'));
    expect(ev.get('State')).toBe('UNAVAILABLE');
    await expect(startSimulator({ port: 0, endpoints: ['Local/1@default'] })).rejects.toThrow(/endpoints: "Local\/1@default" must be Tech\/resource/);
  });
});

describe('simulator devices: restart with astdb', () => {
  it('keeps Custom devices (listed at once) and presence values (read back, listed once set again)', async () => {
    const first = await setup();
    await first.client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:SIP/100)', Value: 'BUSY' });
    await first.client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:alice)', Value: 'away,,lunch' });
    first.sim.setPresenceState('CustomPresence:bob', 'dnd', 'x,y', 'do not disturb');
    const astdb = first.sim.astdb();
    expect(astdb.customDevices).toEqual({ 'Custom:SIP/100': 'BUSY' });
    await stopClients();
    await first.sim.close();
    const { sim: again, client } = await setup({ astdb });
    expect(again.deviceState('Custom:SIP/100')).toBe('BUSY');
    const list = await client.sendList('DeviceStateList');
    expect(list.events.map((m) => [m.get('Device'), m.get('State')])).toEqual([['Custom:SIP/100', 'BUSY']]);
    expect((await client.sendList('PresenceStateList')).events).toEqual([]);
    expect((await client.send('Getvar', { Variable: 'PRESENCE_STATE(CustomPresence:alice,value)' })).get('Value')).toBe('away');
    expect(again.presenceState('CustomPresence:bob')).toEqual({ provider: 'CustomPresence:bob', status: 'dnd', subtype: 'x,y', message: 'do not disturb' });
    await expect(startSimulator({ port: 0, astdb: { customDevices: { 'SIP/1': 'BUSY' } } })).rejects.toThrow(/"SIP\/1" must be Custom:<name>/);
    await expect(startSimulator({ port: 0, astdb: { customPresence: { 'CustomPresence:a': 'gone' } } })).rejects.toThrow(/"gone" is not state/);
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

  it('a hint with a presence provider raises PresenceStatus when the presence it reports changes', async () => {
    const { client, seen } = await setup({ hints: { '100@default': 'PJSIP/100,CustomPresence:100' } });
    const setPresence = (value: string) => client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:100)', Value: value });
    await setPresence('away,lunch,back at 2');
    const ev = await waitEvent(client, seen, (m) => m.eventName === 'PresenceStatus');
    expect(ev.headers).toEqual([
      ['Event', 'PresenceStatus'],
      ['Privilege', 'call,all'],
      ['Exten', '100'],
      ['Context', 'default'],
      ['Hint', 'PJSIP/100,CustomPresence:100'],
      ['Status', 'away'],
      ['Subtype', 'lunch'],
      ['Message', 'back at 2'],
    ]);
    expect(seen.indexOf(ev)).toBeGreaterThan(seen.findIndex((m) => m.eventName === 'PresenceStateChange'));
    await setPresence('away,lunch,back at 2');
    await setPresence('available');
    await waitEvent(client, seen, (m) => m.eventName === 'PresenceStatus' && m.get('Status') === 'available');
    expect(seen.filter((m) => m.eventName === 'PresenceStateChange')).toHaveLength(3);
    expect(seen.filter((m) => m.eventName === 'PresenceStatus').map((m) => m.get('Status'))).toEqual(['away', 'available']);
    const list = await client.sendList('ExtensionStateList');
    expect(list.events[0]!.get('Hint')).toBe('PJSIP/100,CustomPresence:100');
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

describe('amiq simulate --hint', () => {
  const flags = (hint: string[]): SimulateFlags => ({
    port: '0',
    host: '127.0.0.1',
    profile: 'asterisk-22',
    timeScale: '0.01',
    authFailDelay: '0',
    authTimeout: '30000',
    seed: 'canonical',
    hint,
  });

  it('serves the hints given, listed by ExtensionStateList', async () => {
    const stop = new AbortController();
    let listening!: (port: number) => void;
    const port = new Promise<number>((r) => (listening = r));
    const out = (line: string) => {
      const m = /listening on .*:(\d+)$/.exec(line);
      if (m) listening(Number(m[1]));
    };
    const run = runSimulate(
      { ...flags(['100@default=PJSIP/100&Custom:100', '200@sales=SIP/200']), endpoint: ['PJSIP/100'] },
      { out, err: () => undefined, signal: stop.signal },
    );
    const client = await connectedClient(await port);
    expect((await client.sendList('DeviceStateList')).events.map((m) => m.get('Device'))).toEqual(['PJSIP/100']);
    const list = await client.sendList('ExtensionStateList');
    expect(list.events.map((m) => [m.get('Exten'), m.get('Context'), m.get('Hint'), m.get('StatusText')])).toEqual([
      ['100', 'default', 'PJSIP/100&Custom:100', 'Idle'],
      ['200', 'sales', 'SIP/200', 'Idle'],
    ]);
    stop.abort();
    expect(await run).toBe(0);
  });

  it('exits 2 naming the bad --hint', async () => {
    for (const [hint, text] of [
      ['100@default', /--hint "100@default": expected exten@context=Tech\/device/],
      ['100=PJSIP/100', /--hint "100" must be exten@context/],
      ['100@default=PJSIP', /must be devices joined by &/],
    ] as const) {
      const errs: string[] = [];
      const code = await runSimulate(flags([hint]), { out: () => undefined, err: (l) => errs.push(l), signal: new AbortController().signal });
      expect(code).toBe(2);
      expect(errs.join('\n')).toMatch(text);
    }
    const errs: string[] = [];
    const code = await runSimulate(
      { ...flags([]), endpoint: ['Local/1@x'] },
      { out: () => undefined, err: (l) => errs.push(l), signal: new AbortController().signal },
    );
    expect([code, errs]).toEqual([2, ['amiq simulate: --endpoint "Local/1@x" must be Tech/resource (not Local)']]);
  });
});

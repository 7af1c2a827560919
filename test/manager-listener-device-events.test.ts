import { afterEach, describe, expect, it } from 'vitest';
import { CallTracker } from '../src/manager-listener/call-tracker.js';
import type { CallUpdate } from '../src/manager-listener/call-update.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { startSimulator, type Simulator } from '../src/simulator/index.js';
import { connectedClient, stopClients } from './helpers/ami-client-fixtures.js';

// Device, presence and hint events (issue 18) reach the listener too (class call): they name no
// channel, so the tracker must neither look anything up for them nor let them touch a call.
const DEVICE_EVENTS = new Set(['DeviceStateChange', 'PresenceStateChange', 'ExtensionStatus']);

let sim: Simulator | undefined;

afterEach(async () => {
  await stopClients();
  await sim?.close();
  sim = undefined;
});

function feed(events: AmiMessage[], seedUid: string): { updates: CallUpdate[]; lookups: string[] } {
  const t = new CallTracker();
  const now = 1_000;
  t.seed({ id: 1, uniqueid: seedUid, call_channel: null, linkedid: null, call_state: 'DIALING', answered_at: null, call_reason: null, action_id: null }, now);
  const lookups: string[] = [];
  for (const msg of events) {
    const ev = t.read(msg);
    const keys = t.lookups(ev, now);
    if (DEVICE_EVENTS.has(msg.eventName ?? '')) lookups.push(...keys);
    for (const key of keys) t.learn(key, undefined, now);
    const row = t.handle(ev, now);
    if (DEVICE_EVENTS.has(msg.eventName ?? '')) expect(row).toBeUndefined();
  }
  return { updates: t.drain(), lookups };
}

describe('manager-listener: device and presence events', () => {
  it('are ignored: no lookups, no row, and the tracked call ends the same with or without them', async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.01, hints: { '800@default': 'PJSIP/phone800&Custom:800' } });
    const client = await connectedClient(sim.port);
    const events: AmiMessage[] = [];
    client.on('event', (m: AmiMessage) => events.push(m));
    const ended = new Promise<void>((resolve) => sim!.on('call-ended', () => sim!.channels().length === 0 && resolve()));
    await client.send('Setvar', { Variable: 'DEVICE_STATE(Custom:800)', Value: 'BUSY' });
    await client.send('Setvar', { Variable: 'PRESENCE_STATE(CustomPresence:800)', Value: 'away,,lunch' });
    // Exten 100 hangs up after Wait(5): the phone's call ends by itself.
    await client.send('Originate', { Channel: 'Local/800@default', Exten: '100', Context: 'default', Priority: 1, Async: 'true' });
    await ended;
    await client.send('Ping');
    const names = new Set(events.map((m) => m.eventName));
    for (const n of DEVICE_EVENTS) expect(names.has(n)).toBe(true);
    const seedUid = events.find((m) => m.eventName === 'Newchannel' && m.get('Channel')?.endsWith(';1'))!.get('Uniqueid')!;
    const all = feed(events, seedUid);
    const without = feed(
      events.filter((m) => !DEVICE_EVENTS.has(m.eventName ?? '')),
      seedUid,
    );
    expect(all.lookups).toEqual([]);
    expect(all.updates).toEqual(without.updates);
    expect(all.updates.some((u) => u.id === 1 && u.call_state === 'ENDED')).toBe(true);
  });
});

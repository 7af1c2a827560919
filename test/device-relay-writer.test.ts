import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayWriter } from '../src/device-relay/relay-writer.js';
import { relayFilter } from '../src/device-relay/relay-filter.js';
import { stateChangeOf } from '../src/device-relay/state-change.js';
import { AmiMessage } from '../src/shared/ami/message.js';
import { defaultConfig } from '../src/shared/config/index.js';
import { Counters } from './helpers/relay-host.js';
import { silent } from './helpers/manager-listener-helpers.js';
import { tempDb, type TempDb } from './helpers/shared-helpers.js';

const device = (name: string, state: string) => ({ kind: 'device' as const, name, state });

describe('RelayWriter', () => {
  let t: TempDb;
  let counters: Counters;
  let writer: RelayWriter;
  beforeEach(async () => {
    t = await tempDb('amiq-relay-writer-');
    counters = new Counters();
    writer = new RelayWriter({ db: t.db, server: 'a', targets: ['b', 'c'], priority: 3, expireSeconds: 60, logger: silent, ...counters.ctx });
  });
  afterEach(async () => {
    await writer.close();
    await t.cleanup();
  });
  const rows = () => t.db.selectFrom('manager_queue').select(['server', 'tag', 'params', 'priority', 'expires_at']).orderBy('id').execute();

  it('a state superseded before it is written is never written; a repeated state writes nothing', async () => {
    writer.offer(device('PJSIP/1', 'RINGING'));
    writer.offer(device('PJSIP/1', 'INUSE'));
    writer.offer(device('PJSIP/1', 'INUSE'));
    await writer.idle();
    const got = await rows();
    expect(got.map((r) => [r.server, r.tag, JSON.parse(r.params).Value, r.priority])).toEqual([
      ['b', 'relay:DEVICE_STATE(Custom:PJSIP/1)', 'INUSE', 3],
      ['c', 'relay:DEVICE_STATE(Custom:PJSIP/1)', 'INUSE', 3],
    ]);
    expect(Date.parse(got[0]!.expires_at!) - Date.now()).toBeGreaterThan(50_000);
    expect([counters.get('queued'), counters.get('coalesced'), counters.get('unchanged')]).toEqual([2, 0, 1]);
    // After a reconnect the same state is relayed again (the list says it once more).
    writer.forget();
    writer.offer(device('PJSIP/1', 'INUSE'));
    await writer.idle();
    expect([counters.get('queued'), counters.get('coalesced')]).toEqual([2, 2]);
  });

  it('keeps its rows while the database is locked and writes the latest once it is free', async () => {
    const other = new Database(t.path);
    other.exec('BEGIN IMMEDIATE');
    writer.offer(device('PJSIP/1', 'RINGING'));
    // The writer found the lock taken; the rows stay pending, and a newer state joins them.
    await counters.reach('busy', 1);
    writer.offer(device('PJSIP/1', 'BUSY'));
    expect(writer.backlog).toBe(2);
    other.exec('COMMIT');
    other.close();
    await writer.idle();
    expect((await rows()).map((r) => [r.server, JSON.parse(r.params).Value])).toEqual([
      ['b', 'BUSY'],
      ['c', 'BUSY'],
    ]);
  });
});

describe('which reported states are relayed', () => {
  const relayed = relayFilter({ ...defaultConfig().device_relay, devices: ['PJSIP/*', 'SIP/1??'] });
  const event = (headers: Record<string, string>) => stateChangeOf(new AmiMessage('event', Object.entries(headers)));

  it('reads DeviceStateChange and PresenceStateChange, list items included, and nothing else', () => {
    expect(event({ Event: 'DeviceStateChange', Device: 'PJSIP/1', State: 'INUSE' })).toEqual(device('PJSIP/1', 'INUSE'));
    expect(event({ Event: 'PresenceStateChange', Presentity: 'CustomPresence:a', Status: 'away', Subtype: 's', Message: 'm' })).toEqual({
      kind: 'presence',
      name: 'CustomPresence:a',
      presence: { status: 'away', subtype: 's', message: 'm' },
    });
    expect(event({ Event: 'DeviceStateChange', Device: 'PJSIP/1' })).toBeNull();
    expect(event({ Event: 'Newstate', Channel: 'PJSIP/1-01' })).toBeNull();
  });

  it('never a Custom: device, nor INVALID or UNKNOWN, nor a device or presence outside the patterns', () => {
    expect(relayed(device('PJSIP/1', 'BUSY'))).toBe(true);
    expect(relayed(device('SIP/100', 'BUSY'))).toBe(true);
    expect(relayed(device('SIP/1000', 'BUSY'))).toBe(false);
    expect(relayed(device('Custom:PJSIP/1', 'BUSY'))).toBe(false);
    expect(relayed(device('PJSIP/1', 'INVALID'))).toBe(false);
    expect(relayed(device('PJSIP/1', 'UNKNOWN'))).toBe(false);
    expect(relayed(device('Local/1@default', 'INUSE'))).toBe(false);
    const presence = (name: string, status: string) => ({ kind: 'presence' as const, name, presence: { status, subtype: '', message: '' } });
    expect(relayed(presence('CustomPresence:a', 'dnd'))).toBe(true);
    expect(relayed(presence('CustomPresence:a', 'sleepy'))).toBe(false);
    expect(relayed(presence('XMPP:a', 'dnd'))).toBe(false);
    const off = relayFilter({ ...defaultConfig().device_relay, device_state: false, presence: false });
    expect(off(device('PJSIP/1', 'BUSY')) || off(presence('CustomPresence:a', 'dnd'))).toBe(false);
  });
});

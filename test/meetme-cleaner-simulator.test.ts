import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runActionSender } from '../src/action-sender/index.js';
import { createCleaner } from '../src/meetme-cleaner/cleaner.js';
import { runMeetmeCleaner } from '../src/meetme-cleaner/index.js';
import { ConferenceLister } from '../src/meetme-cleaner/lister.js';
import type { CleanerSettings } from '../src/meetme-cleaner/types.js';
import { AmiClient } from '../src/shared/ami/client.js';
import { parseConfig } from '../src/shared/config/index.js';
import { startSimulator, type ProfileName, type Simulator } from '../src/simulator/index.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

const silent = pino({ level: 'silent' });
const T0 = Date.parse('2026-11-22T12:00:00.000Z');
const settings: CleanerSettings = { alone_grace_seconds: 60, max_member_seconds: 0, exempt_rooms: [], exempt_channels: [] };

/** Poll DB or simulator state (nothing to await) until true, within a bound. */
async function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Rig {
  sim: Simulator;
  t: TestDb;
  client: AmiClient;
  clock: number;
  cleaner(over?: Partial<CleanerSettings>, dryRun?: boolean, allowedCommands?: string[]): ReturnType<typeof createCleaner>;
  /** The real action-sender, with this allowed_commands, until every row is terminal. */
  sendQueued(allowedCommands?: string[]): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(profile: ProfileName): Promise<Rig> {
  const sim = await startSimulator({ port: 0, profile, timeScale: 0.01 });
  cleanups.push(() => sim.close());
  const t = await openTestDb();
  cleanups.push(() => t.close());
  const client = new AmiClient({ host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', events: 'off', pingIntervalMs: 0 });
  client.start();
  cleanups.push(() => client.stop());
  await client.waitConnected(5000);
  const r: Rig = {
    sim,
    t,
    client,
    clock: T0,
    // A fresh lister and cleaner each call: what a restarted worker would have.
    cleaner: (over = {}, dryRun = false, allowedCommands = []) =>
      createCleaner({
        db: t.db,
        lister: new ConferenceLister(client),
        server: 'default',
        settings: { ...settings, ...over },
        logger: silent,
        now: () => r.clock,
        dryRun,
        allowedCommands,
      }),
    // The real action-sender until every row is terminal.
    async sendQueued(allowedCommands = []) {
      const config = parseConfig({
        ami: { host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', ping_interval_ms: 0 },
        action_sender: { allowed_commands: allowedCommands },
      });
      const stop = new AbortController();
      const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };
      const running = runActionSender({ config, db: t.db, logger: silent, signal: stop.signal, ctx });
      try {
        await until(
          async () => (await t.db.selectFrom('manager_queue').select('id').where('status', 'in', ['NEW', 'SENDING', 'SENT']).execute()).length === 0,
          'rows sent',
        );
      } finally {
        stop.abort();
        await running;
      }
    },
  };
  return r;
}

const queue = (r: Rig) => r.t.db.selectFrom('manager_queue').selectAll().orderBy('id').execute();
const live = (r: Rig, name: string) => r.sim.channels().some((c) => c.name === name);

describe('meetme-cleaner against the simulator (asterisk-22)', () => {
  it('ConfBridge: a lone member is kicked after the grace period, not before; the sender kicks it for real', async () => {
    const r = await rig('asterisk-22');
    const a = r.sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const b = r.sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const cleaner = r.cleaner();
    expect((await cleaner.tick()).kinds.confbridge).toBe('listed');
    r.sim.hangup(b.name);
    r.clock = T0 + 15_000;
    await cleaner.tick(); // alone from here
    r.clock = T0 + 75_000;
    expect((await cleaner.tick()).kicks).toEqual([]);
    expect(await queue(r)).toEqual([]);
    r.clock = T0 + 75_001;
    const { kicks } = await cleaner.tick();
    expect(kicks.map((k) => [k.room, k.channel, k.reason])).toEqual([['4000', a.name, 'alone']]);
    const [row] = await queue(r);
    expect(row).toMatchObject({ action: 'ConfbridgeKick', channel: a.name, tag: 'meetme-cleaner:alone', status: 'NEW' });

    await r.sendQueued();
    expect((await queue(r))[0]).toMatchObject({ status: 'SUCCESS', response: 'Success', message: 'User kicked' });
    expect(live(r, a.name)).toBe(false);
    // The room is gone from the PBX: the next tick closes it and enqueues nothing more.
    r.clock = T0 + 90_000;
    expect((await cleaner.tick()).closed).toBe(1);
    expect(await queue(r)).toHaveLength(1);
    expect(await r.t.db.selectFrom('conferences').select(['room', 'closed_at']).execute()).toEqual([
      { room: '4000', closed_at: new Date(T0 + 90_000).toISOString() },
    ]);
  });

  it('ConfBridge via the dialplan: a call to exten 200 lands in room 4000 and is seen there', async () => {
    const r = await rig('asterisk-22');
    const resp = await r.client.send('Originate', { Channel: 'Local/200@default', Exten: '600', Context: 'default', Priority: '1', Async: 'true' });
    expect(resp.headers).toContainEqual(['Response', 'Success']);
    const lister = new ConferenceLister(r.client);
    const listing = await until(async () => {
      const l = await lister.list('confbridge');
      return l.present && l.rooms.length > 0 ? l : undefined;
    }, 'room 4000');
    expect(listing.present && listing.rooms.map((x) => [x.room, x.members.length])).toEqual([['4000', 1]]);
    expect(listing.present && listing.rooms[0]!.members[0]!.channel).toMatch(/^Local\/200@default-[0-9a-f]+;2$/);
  });

  it("MeetMe with Command off: the kick is a Hangup of the member's channel; no Command reaches Asterisk", async () => {
    const r = await rig('asterisk-22');
    const m = r.sim.addMeetmeMember('5000');
    await r.cleaner().tick();
    r.clock = T0 + 61_000;
    const { kicks, kinds } = await r.cleaner().tick();
    expect(kinds).toEqual({ confbridge: 'listed', meetme: 'listed' });
    expect(kicks.map((k) => [k.kind, k.room, k.channel, k.reason])).toEqual([['meetme', '5000', m.name, 'alone']]);
    const [row] = await queue(r);
    expect(row).toMatchObject({ action: 'Hangup', channel: m.name, tag: 'meetme-cleaner:alone' });
    expect(JSON.parse(row!.params)).toEqual({});
    const commandsBefore = r.sim.actions.filter((a) => a.action.toLowerCase() === 'command').length;
    await r.sendQueued();
    expect((await queue(r))[0]).toMatchObject({ status: 'SUCCESS' });
    await until(() => !live(r, m.name), 'the MeetMe member to leave');
    expect(r.sim.actions.filter((a) => a.action.toLowerCase() === 'command')).toHaveLength(commandsBefore);
  });

  it('MeetMe where the operator allows `meetme kick`: the kick is `Command: meetme kick <room> <user>`', async () => {
    const r = await rig('asterisk-22');
    const m = r.sim.addMeetmeMember('5000');
    await r.cleaner(undefined, false, ['meetme kick']).tick();
    r.clock = T0 + 61_000;
    const { kicks } = await r.cleaner(undefined, false, ['meetme kick']).tick();
    const [row] = await queue(r);
    expect(row).toMatchObject({ action: 'Command', channel: null, tag: 'meetme-cleaner:alone' });
    expect(JSON.parse(row!.params)).toEqual({ Command: `meetme kick 5000 ${kicks[0]!.user}` });
    await r.sendQueued(['meetme kick']);
    expect((await queue(r))[0]).toMatchObject({ status: 'SUCCESS' });
    await until(() => !live(r, m.name), 'the MeetMe member to leave');
  });

  it('exempt rooms and channels are untouched; a restart mid-grace keeps the clock; dry-run enqueues nothing', async () => {
    const r = await rig('asterisk-22');
    r.sim.addConferenceMember({ kind: 'confbridge', room: '4001' });
    r.sim.addConferenceMember({ kind: 'confbridge', room: '4002', channel: 'PJSIP/operator-00000001' });
    const lone = r.sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const over = { exempt_rooms: ['4001'], exempt_channels: ['PJSIP/operator'] };
    await r.cleaner(over).tick();
    r.clock = T0 + 40_000;
    await r.cleaner(over).tick(); // a restarted worker: same database, new instance
    r.clock = T0 + 61_000;
    expect((await r.cleaner(over, true).tick()).kicks.map((k) => k.room)).toEqual(['4000']); // dry run: only said
    expect(await queue(r)).toEqual([]);
    const { kicks } = await r.cleaner(over).tick();
    expect(kicks.map((k) => [k.room, k.channel])).toEqual([['4000', lone.name]]);
    r.clock = T0 + 3_600_000;
    expect((await r.cleaner(over).tick()).kicks).toEqual([]);
    expect((await queue(r)).map((q) => q.channel)).toEqual([lone.name]);
  });
});

describe('runMeetmeCleaner (the worker)', () => {
  it('ticks on its node-cron schedule over its own connection, enqueues the kick, stops on abort', async () => {
    const sim = await startSimulator({ port: 0, timeScale: 0.01 });
    cleanups.push(() => sim.close());
    const t = await openTestDb();
    cleanups.push(() => t.close());
    const m = sim.addConferenceMember({ kind: 'confbridge', room: '4000' });
    const config = parseConfig({
      ami: { host: sim.host, port: sim.port, username: 'amiq', secret: 'amiq', ping_interval_ms: 0 },
      meetme_cleaner: { schedule: '* * * * * *', alone_grace_seconds: 0 },
    });
    const states: string[] = [];
    const counts: Record<string, number> = {};
    const ctx = {
      setAmiState: (s: string) => states.push(s),
      count: (k: string, n = 1) => void (counts[k] = (counts[k] ?? 0) + n),
      setCounter: (k: string, v: number) => void (counts[k] = v),
      setError: () => undefined,
    };
    const stop = new AbortController();
    const running = runMeetmeCleaner({ config, db: t.db, logger: silent, signal: stop.signal, ctx });
    const row = await until(() => t.db.selectFrom('manager_queue').selectAll().executeTakeFirst(), 'a kick row');
    stop.abort();
    await running;
    expect(row).toMatchObject({ action: 'ConfbridgeKick', channel: m.name, tag: 'meetme-cleaner:alone' });
    expect(states).toContain('connected');
    expect(counts['kicks']).toBe(1);
    expect(counts['rooms']).toBe(1);
    // Its own connection logged in with events off, and is closed after the stop.
    const login = sim.actions.find((a) => a.action.toLowerCase() === 'login');
    expect(login?.headers).toContainEqual(['Events', 'off']);
    await until(() => sim.connectionCount() === 0, 'the cleaner to disconnect');
  });
});

describe('meetme-cleaner against legacy profiles', () => {
  it.each(['asterisk-11', 'asterisk-1.4'] as const)('%s: MeetMe is listed the old way and the kick row is right', async (profile) => {
    const r = await rig(profile);
    const m = r.sim.addMeetmeMember('5000');
    await r.cleaner().tick();
    r.clock = T0 + 61_000;
    const { kicks, kinds } = await r.cleaner().tick();
    expect(kinds).toEqual({ confbridge: profile === 'asterisk-1.4' ? 'absent' : 'listed', meetme: 'listed' });
    expect(kicks.map((k) => [k.room, k.channel])).toEqual([['5000', m.name]]);
    // 1.4 has neither MeetmeListRooms nor MeetmeList: the CLI's concise list it is.
    const commands = r.sim.actions.filter((a) => a.action.toLowerCase() === 'command').map((a) => a.headers.find(([k]) => k === 'Command')?.[1]);
    expect(commands.includes('meetme list 5000 concise')).toBe(profile === 'asterisk-1.4');
    await r.sendQueued();
    expect((await queue(r))[0]).toMatchObject({ action: 'Hangup', channel: m.name, status: 'SUCCESS' });
    await until(() => !live(r, m.name), 'the MeetMe member to leave');
  });
});

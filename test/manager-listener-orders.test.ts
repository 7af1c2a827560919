import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Listener } from '../src/manager-listener/listener.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { capturedOriginates, type CapturedOriginate } from './helpers/capture-calls.js';
import { allRows, callColumns, captureEvents, replay, seedSent, silent } from './helpers/manager-listener-helpers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

// Asterisk keeps each channel's events in order, but not the order between channels, nor the
// OriginateResponse's place (listener-versions replays the orders the lab recorded). Here the
// same calls are fed in other orders that keep each channel's own order: every row must end the
// same. Flushing after every change (lookups see each write) and once at the end (all in memory)
// bracket where a batch may end.

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

const BURSTS = [
  'asterisk-18/originate-failures-burst',
  'asterisk-20/originate-failures-burst',
  'asterisk-22/originate-failures-burst',
  'asterisk-22/originate-answered-burst',
];

/** The channel an event belongs to (its Uniqueid, Dest or LocalOne snapshot), or its OriginateResponse. */
function laneOf(m: AmiMessage): string {
  if (m.eventName === 'OriginateResponse') return `or:${m.get('ActionID')}`;
  const uid = m.get('Uniqueid') ?? m.get('DestUniqueid') ?? m.get('LocalOneUniqueid');
  return uid === undefined ? 'none' : `u:${uid}`;
}

function lanes(events: readonly AmiMessage[]): AmiMessage[][] {
  const by = new Map<string, AmiMessage[]>();
  for (const e of events) {
    const k = laneOf(e);
    const lane = by.get(k);
    if (lane) lane.push(e);
    else by.set(k, [e]);
  }
  return [...by.values()];
}

/** A seeded random merge of the lanes: each lane's order kept, the interleaving random. */
function shuffleLanes(events: readonly AmiMessage[], seed: number): AmiMessage[] {
  const queues = lanes(events).map((l) => [...l]);
  const out: AmiMessage[] = [];
  let s = seed;
  while (queues.length > 0) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const i = s % queues.length;
    out.push(queues[i]!.shift()!);
    if (queues[i]!.length === 0) queues.splice(i, 1);
  }
  return out;
}

/** Every interleaving of the segments, each lane's segments in order. */
function interleavings(laneSegments: AmiMessage[][][]): AmiMessage[][] {
  const out: AmiMessage[][] = [];
  const walk = (at: number[], acc: AmiMessage[]): void => {
    let done = true;
    for (const [i, segs] of laneSegments.entries()) {
      if (at[i]! >= segs.length) continue;
      done = false;
      const next = [...at];
      next[i]!++;
      walk(next, [...acc, ...segs[at[i]!]!]);
    }
    if (done) out.push(acc);
  };
  walk(
    laneSegments.map(() => 0),
    [],
  );
  return out;
}

/** Split a lane before each key event (the first segment holds what comes before the second key). */
function segments(lane: AmiMessage[], isKey: (m: AmiMessage) => boolean): AmiMessage[][] {
  const segs: AmiMessage[][] = [];
  for (const m of lane) {
    if (isKey(m) || segs.length === 0) segs.push([m]);
    else segs.at(-1)!.push(m);
  }
  return segs;
}

async function reset(originates: readonly CapturedOriginate[]): Promise<number[]> {
  await sql`DELETE FROM manager_queue`.execute(t.db);
  const ids = [];
  for (const o of originates)
    ids.push(await seedSent(t.db, { ...(o.rowId !== undefined ? { id: o.rowId } : {}), action_id: o.actionId, callerid: o.callerid, status: o.status }));
  return ids;
}

/** Replay `events` (flushing after every change, or once at the end) and compare every row with what the capture reported. */
async function expectOutcomes(originates: readonly CapturedOriginate[], events: readonly AmiMessage[], flushEachChange: boolean, label: string): Promise<void> {
  await reset(originates);
  const listener = new Listener({
    db: t.db,
    server: 'default',
    eventLog: 'none',
    logger: silent,
    flushMs: flushEachChange ? 0 : 3_600_000,
    maxBatch: flushEachChange ? 1 : 1_000_000,
    now: () => 1_000,
  });
  await replay(listener, events);
  const rows = await allRows(t.db);
  const got = rows.map((r) => ({ ...callColumns(r), answered: r.answered_at !== null, ended: r.ended_at !== null }));
  const want = originates.map((o) => ({ ...o.expected, answered: o.answered, ended: true }));
  expect(got, label).toEqual(want);
}

describe('the outcome does not depend on the order of events', () => {
  for (const burst of BURSTS) {
    const [dir, scenario] = burst.split('/') as [string, string];
    it(`${burst}: seeded shuffles of all its calls' events (each channel in order) end every row alike`, async () => {
      const originates = capturedOriginates(dir, scenario);
      const events = captureEvents(`${burst}.received.txt`);
      for (let seed = 1; seed <= 6; seed++) {
        const shuffled = shuffleLanes(events, seed * 7919);
        await expectOutcomes(originates, shuffled, seed % 2 === 0, `seed ${seed}`);
      }
    });
  }

  // One busy, one congestion and one answered call, each alone: every order of its key events.
  const ONE_CALL: Array<[string, string]> = [
    ['asterisk-18/originate-failures-burst', 'amiq-1'],
    ['asterisk-20/originate-failures-burst', 'amiq-21'],
    ['asterisk-22/originate-answered-burst', 'amiq-1'],
  ];
  for (const [burst, actionId] of ONE_CALL) {
    it(`${burst} ${actionId}: every order of OriginateResponse, VarSet, both Newchannels and both Hangups`, async () => {
      const [dir, scenario] = burst.split('/') as [string, string];
      const call = capturedOriginates(dir, scenario).find((o) => o.actionId === actionId)!;
      const one = call.expected.uniqueid!;
      const oneName = call.expected.call_channel!;
      const all = captureEvents(`${burst}.received.txt`);
      const twoUid = all.find((m) => m.get('Channel') === oneName.replace(/;1$/, ';2'))!.get('Uniqueid')!;
      const mine = all.filter((m) => [`u:${one}`, `u:${twoUid}`, `or:${actionId}`].includes(laneOf(m)));
      const isKey = (m: AmiMessage): boolean => {
        const name = m.eventName;
        return name === 'Newchannel' || name === 'Hangup' || name === 'OriginateResponse' || (name === 'VarSet' && m.get('Variable') === 'AMIQ_ID');
      };
      const orders = interleavings(lanes(mine).map((l) => segments(l, isKey)));
      // ;1 and ;2: Newchannel, VarSet, Hangup each; the response: 7!/(3!·3!·1!) orders.
      expect(orders.length).toBe(140);
      for (const order of orders) {
        const label = order
          .filter(isKey)
          .map((m) => `${m.eventName}${/;[12]$/.exec(m.get('Channel') ?? '')?.[0] ?? ''}`)
          .join(' ');
        for (const flushEachChange of [true, false])
          await expectOutcomes([call], order, flushEachChange, `${label} (flush ${flushEachChange ? 'each change' : 'at the end'})`);
      }
    });
  }
});

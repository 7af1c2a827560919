import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ASTERISK_VERSIONS, CAPTURES_ROOT } from './helpers/ami-captures.js';
import { capturedOriginates, type CapturedOriginate } from './helpers/capture-calls.js';
import { allRows, callColumns, captureEvents, newListener, replay, row, seedSent } from './helpers/manager-listener-helpers.js';
import { openTestDb, type TestDb } from './helpers/queue-db.js';

// Every lab capture of Asterisk 18, 20 and 22 replayed into the listener with the rows the sender
// would have left: each row ends as the capture's own events say (helpers/capture-calls.ts).

let t: TestDb;
beforeEach(async () => {
  t = await openTestDb();
});
afterEach(async () => {
  await t.close();
});

/** [hangup_cause, call_reason] per Originate, as ../shared/ami/README.md describes each capture: a check on the derivation. */
const range = (n: number, v: [number | null, number | null]): Array<[number | null, number | null]> => Array.from({ length: n }, () => v);
const REPORTED: Record<string, Array<[number | null, number | null]>> = {
  'originate-local': [[16, 4]],
  'originate-busy': [[17, 5]],
  'originate-badchannel': [
    [null, 0],
    [null, null],
    [null, null],
  ],
  'originate-amiq-id': [[16, 4]],
  redirect: [[0, 4]],
  'hangup-cause16': range(3, [16, 4]),
  'confbridge-events': range(2, [16, 4]),
  'readonly-originate': [[null, null]],
  'originate-failures-burst': [...range(20, [17, 5]), ...range(20, [34, 8])],
  'originate-answered-burst': range(20, [16, 4]),
};
const reported = (version: string, scenario: string): Array<[number | null, number | null]> =>
  scenario === 'originate-timeout' ? [[version === '18' ? 0 : 19, 3]] : (REPORTED[scenario] ?? []);

async function seed(o: CapturedOriginate): Promise<number> {
  return seedSent(t.db, { ...(o.rowId !== undefined ? { id: o.rowId } : {}), action_id: o.actionId, callerid: o.callerid, status: o.status });
}

for (const version of ASTERISK_VERSIONS) {
  const dir = `asterisk-${version}`;
  const scenarios = readdirSync(join(CAPTURES_ROOT, dir))
    .filter((f) => f.endsWith('.sent.txt'))
    .map((f) => f.slice(0, -'.sent.txt'.length));

  describe(`Asterisk ${version}`, () => {
    it('the lab recorded every call scenario and burst', () => {
      for (const s of Object.keys(REPORTED)) if (s !== 'originate-answered-burst' || version === '22') expect(scenarios).toContain(s);
    });

    for (const scenario of scenarios) {
      it(`${scenario}: every row ends as Asterisk reported it, and replays change nothing`, async () => {
        const originates = capturedOriginates(dir, scenario);
        expect(originates.map((o) => [o.expected.hangup_cause, o.expected.call_reason])).toEqual(reported(version, scenario));
        const ids = [];
        for (const o of originates) ids.push(await seed(o));
        const events = captureEvents(`${dir}/${scenario}.received.txt`);
        const listener = newListener(t.db);
        await replay(listener, events);
        for (const [i, o] of originates.entries()) {
          const r = await row(t.db, ids[i]!);
          expect(callColumns(r), o.actionId).toEqual(o.expected);
          expect(r.answered_at !== null, o.actionId).toBe(o.answered);
          expect(r.ended_at !== null, o.actionId).toBe(o.expected.call_state !== null);
        }
        const done = await allRows(t.db);
        await replay(listener, events);
        const fresh = newListener(t.db);
        await replay(fresh, events);
        expect(fresh.stats.rowsWritten).toBe(0);
        expect(await allRows(t.db)).toEqual(done);
      });
    }
  });
}

import type { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { applyCallUpdates } from '../src/shared/db/queue/apply-call-updates.js';
import type { CallUpdate } from '../src/manager-listener/call-update.js';
import { findRowByActionId } from '../src/shared/db/queue/find-row-by-action-id.js';
import { findRowByCallerid } from '../src/shared/db/queue/find-row-by-callerid.js';
import { findRowById } from '../src/shared/db/queue/find-row-by-id.js';
import { findRowByUniqueid } from '../src/shared/db/queue/find-row-by-uniqueid.js';
import { insertEvents } from '../src/shared/db/events/insert-events.js';
import { listLiveCalls } from '../src/shared/db/queue/list-live-calls.js';
import type { QueueDb } from '../src/shared/queue/types.js';
import { row, seedSent } from './helpers/manager-listener-helpers.js';
import { dialectOf, type Database } from '../src/shared/db/index.js';
import { describeEngines } from './helpers/engines.js';

const applyCallUpdate = (db: Kysely<Database>, u: CallUpdate): Promise<number> => applyCallUpdates(db, [u]);
/** A time n seconds into the test's day (times are native types on the server engines). */
const T = (n: number): string => new Date(Date.UTC(2026, 10, 22, 12, 0, n)).toISOString();

describeEngines('listener statements', (t) => {
  describe('lookups', () => {
    it('find by action_id / id: only sent Originate rows of the server', async () => {
      const id = await seedSent(t.db, { action_id: 'amiq-1-abc' });
      const other = await seedSent(t.db, { action_id: 'amiq-9-zzz', server: 'other' });
      expect((await findRowByActionId(t.db, 'default', 'amiq-1-abc'))?.id).toBe(id);
      expect(await findRowByActionId(t.db, 'default', 'amiq-9-zzz')).toBeUndefined();
      // Compiled once per handle: each run takes its own server and key.
      expect((await findRowByActionId(t.db, 'other', 'amiq-9-zzz'))?.id).toBe(other);
      expect(await findRowByActionId(t.db, 'other', 'amiq-1-abc')).toBeUndefined();
      expect((await findRowById(t.db, 'default', id))?.id).toBe(id);
      const fresh = { id: await dialectOf(t.db).insertId(t.db.insertInto('manager_queue').values({ action: 'Originate', channel: 'Local/1@d' })) };
      expect(await findRowById(t.db, 'default', fresh.id)).toBeUndefined(); // NEW: never written to Asterisk
      const redirect = {
        id: await dialectOf(t.db).insertId(t.db.insertInto('manager_queue').values({ action: 'Redirect', channel: 'SIP/a', status: 'SUCCESS' })),
      };
      expect(await findRowById(t.db, 'default', redirect.id)).toBeUndefined();
    });

    it('find by callerid: the newest live call with it; ended calls never again', async () => {
      const older = await seedSent(t.db, { callerid: 'M1' });
      const newer = await seedSent(t.db, { callerid: 'M1' });
      expect((await findRowByCallerid(t.db, 'default', 'M1'))?.id).toBe(newer);
      await t.db.updateTable('manager_queue').set({ call_state: 'ENDED' }).where('id', '=', newer).execute();
      expect((await findRowByCallerid(t.db, 'default', 'M1'))?.id).toBe(older);
      await t.db.updateTable('manager_queue').set({ call_state: 'FAILED' }).where('id', '=', older).execute();
      expect(await findRowByCallerid(t.db, 'default', 'M1')).toBeUndefined();
    });

    it('find by uniqueid and list live calls', async () => {
      const id = await seedSent(t.db, {});
      await applyCallUpdate(t.db, { id, uniqueid: 'u1', call_channel: 'SIP/a-1', call_state: 'DIALING' });
      expect(await findRowByUniqueid(t.db, 'default', 'u1')).toMatchObject({ id, uniqueid: 'u1', call_channel: 'SIP/a-1', call_state: 'DIALING' });
      expect(await findRowByUniqueid(t.db, 'other', 'u1')).toBeUndefined();
      expect((await listLiveCalls(t.db, 'default')).map((r) => r.id)).toEqual([id]);
      await applyCallUpdate(t.db, { id, call_state: 'ENDED' });
      expect(await listLiveCalls(t.db, 'default')).toEqual([]);
    });
  });

  describe('applyCallUpdate: forward-only in SQL', () => {
    it('state only rises; identity and answered_at only while live; reason, ended_at and cause are written once', async () => {
      const id = await seedSent(t.db, {});
      expect(await applyCallUpdate(t.db, { id, uniqueid: 'u1', call_channel: 'L;1', linkedid: 'u1', call_state: 'DIALING' })).toBe(1);
      expect(await applyCallUpdate(t.db, { id, call_state: 'UP', answered_at: T(1), call_reason: 4 })).toBe(1);
      expect(await applyCallUpdate(t.db, { id, call_state: 'RINGING' })).toBe(0);
      expect(await applyCallUpdate(t.db, { id, call_state: 'UP', answered_at: T(1), call_reason: 4 })).toBe(0); // replay
      expect(await applyCallUpdate(t.db, { id, call_state: 'FAILED', call_reason: 3 })).toBe(0); // answered: never FAILED
      expect(await applyCallUpdate(t.db, { id, call_state: 'ENDED', ended_at: T(2), hangup_cause: 16, hangup_cause_txt: 'Normal Clearing' })).toBe(1);
      expect(
        await applyCallUpdate(t.db, {
          id,
          uniqueid: 'u9',
          call_channel: 'X',
          answered_at: T(9),
          hangup_cause: 17,
          hangup_cause_txt: 'User busy',
          ended_at: T(9),
        }),
      ).toBe(0);
      expect(await row(t.db, id)).toMatchObject({
        uniqueid: 'u1',
        call_channel: 'L;1',
        linkedid: 'u1',
        call_state: 'ENDED',
        call_reason: 4,
        answered_at: T(1),
        ended_at: T(2),
        hangup_cause: 16,
        hangup_cause_txt: 'Normal Clearing',
      });
    });

    it('an unanswered call that ENDED may still become FAILED (its OriginateResponse came late); a cause arrives after FAILED', async () => {
      const id = await seedSent(t.db, {});
      await applyCallUpdate(t.db, { id, uniqueid: 'u1', call_state: 'ENDED', ended_at: T(1) });
      expect(await applyCallUpdate(t.db, { id, call_state: 'FAILED', call_reason: 5, ended_at: T(2) })).toBe(1);
      expect(await applyCallUpdate(t.db, { id, hangup_cause: 17, hangup_cause_txt: 'User busy' })).toBe(1);
      expect(await row(t.db, id)).toMatchObject({ call_state: 'FAILED', call_reason: 5, ended_at: T(1), hangup_cause: 17, hangup_cause_txt: 'User busy' });
    });
    it('a real cause replaces 0 (a Local ;1 hangs up with 0 before its ;2 says why), never the reverse; a text alone fills an empty cause', async () => {
      const id = await seedSent(t.db, {});
      await applyCallUpdate(t.db, { id, uniqueid: 'u1', call_state: 'FAILED', call_reason: 5, ended_at: T(1), hangup_cause: 0, hangup_cause_txt: 'Unknown' });
      expect(await applyCallUpdate(t.db, { id, hangup_cause: 17, hangup_cause_txt: 'User busy' })).toBe(1);
      expect(await applyCallUpdate(t.db, { id, hangup_cause: 0, hangup_cause_txt: 'Unknown' })).toBe(0);
      expect(await applyCallUpdate(t.db, { id, hangup_cause: 34, hangup_cause_txt: 'Circuit/channel congestion' })).toBe(0);
      expect(await row(t.db, id)).toMatchObject({ hangup_cause: 17, hangup_cause_txt: 'User busy' });
      const gone = await seedSent(t.db, {});
      expect(await applyCallUpdate(t.db, { id: gone, call_state: 'ENDED', ended_at: T(2), hangup_cause_txt: 'Unknown (channel gone at resync)' })).toBe(1);
      expect(await applyCallUpdate(t.db, { id: gone, hangup_cause_txt: 'other' })).toBe(0);
      expect(await row(t.db, gone)).toMatchObject({ call_state: 'ENDED', hangup_cause: null, hangup_cause_txt: 'Unknown (channel gone at resync)' });
    });

    it('a FAILED row without a channel takes the one that shows up after its OriginateResponse, once; an ended row keeps its channel', async () => {
      const id = await seedSent(t.db, {});
      await applyCallUpdate(t.db, { id, call_state: 'FAILED', call_reason: 5, ended_at: T(1) });
      expect(await applyCallUpdate(t.db, { id, uniqueid: 'u1', call_channel: 'Local/4@d-1;1', linkedid: 'u1', call_state: 'DIALING' })).toBe(1);
      expect(await applyCallUpdate(t.db, { id, uniqueid: 'u2', call_channel: 'Local/4@d-2;1', linkedid: 'u2', answered_at: T(2) })).toBe(0);
      expect(await row(t.db, id)).toMatchObject({ uniqueid: 'u1', call_channel: 'Local/4@d-1;1', linkedid: 'u1', call_state: 'FAILED', answered_at: null });
    });
  });

  describe('applyCallUpdates: one statement for many rows', () => {
    it('applies each row its own update, and counts only rows that changed', async () => {
      const a = await seedSent(t.db, {});
      const b = await seedSent(t.db, {});
      await applyCallUpdate(t.db, { id: b, uniqueid: 'ub', call_state: 'ENDED', ended_at: T(0) });
      const n = await applyCallUpdates(t.db, [
        { id: a, uniqueid: 'ua', call_channel: 'SIP/a-1', call_state: 'RINGING' },
        { id: b, uniqueid: 'uX', call_state: 'UP', answered_at: T(1) },
      ]);
      expect(n).toBe(1);
      expect(await row(t.db, a)).toMatchObject({ uniqueid: 'ua', call_channel: 'SIP/a-1', call_state: 'RINGING' });
      expect(await row(t.db, b)).toMatchObject({ uniqueid: 'ub', call_state: 'ENDED', answered_at: null });
    });
  });

  describe('insertEvents', () => {
    it('writes every row with its headers as a JSON array', async () => {
      const rows = Array.from({ length: 450 }, (_, i) => ({
        time: T(0),
        event: 'Newstate',
        uniqueid: `u${i}`,
        channel: null,
        queue_id: i % 2 ? 1 : null,
        headers: [
          ['Event', 'Newstate'],
          ['Uniqueid', `u${i}`],
        ] as Array<[string, string]>,
      }));
      await insertEvents(
        t.db,
        'default',
        rows.map((r) => ({ ...r, headers: JSON.stringify(r.headers) })),
      );
      const all = await t.db.selectFrom('manager_events').selectAll().orderBy('id').execute();
      expect(all).toHaveLength(450);
      expect(all[1]).toMatchObject({ server: 'default', event: 'Newstate', uniqueid: 'u1', channel: null, queue_id: 1 });
      expect(JSON.parse(all[1]!.headers)).toEqual([
        ['Event', 'Newstate'],
        ['Uniqueid', 'u1'],
      ]);
      expect(all[0]!.queue_id).toBeNull();
    });

    it('writes a batch of any size in order, with a handful of statement texts (each stays prepared)', async () => {
      const texts = new Set<string>();
      const counting = {
        getExecutor: () => t.db.getExecutor(),
        executeQuery: (q: CompiledQuery) => (texts.add(q.sql), t.db.executeQuery(q)),
      } as unknown as QueueDb;
      let n = 0;
      for (let size = 1; size <= 130; size++) {
        await insertEvents(
          counting,
          'default',
          Array.from({ length: size }, () => ({ time: T(0), event: 'Newstate', uniqueid: `u${n++}`, channel: null, queue_id: null, headers: '[]' })),
        );
      }
      const all = await t.db.selectFrom('manager_events').select('uniqueid').orderBy('id').execute();
      expect(all.map((r) => r.uniqueid)).toEqual(Array.from({ length: n }, (_, i) => `u${i}`));
      expect(texts.size).toBe(7);
    });
  });
});

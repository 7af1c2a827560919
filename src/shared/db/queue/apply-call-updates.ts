import { sql, type RawBuilder } from 'kysely';
import type { QueueDb } from '../../queue/types.js';
import { dialectOf } from '../dialect-of.js';
import type { RecordType } from '../dialect.js';
import type { CallUpdate } from './call-columns.js';

/** The columns the conditions read before the update (on MySQL from `u`, locked and read first). */
const READ: Readonly<Record<string, RecordType>> = {
  uniqueid: 'text',
  call_channel: 'text',
  linkedid: 'text',
  call_state: 'text',
  answered_at: 'time',
  call_reason: 'int',
  ended_at: 'time',
  hangup_cause: 'int',
  hangup_cause_txt: 'text',
};
const NEW: Readonly<Record<string, RecordType>> = {
  n_id: 'int',
  n_uniqueid: 'text',
  n_channel: 'text',
  n_linkedid: 'text',
  n_state: 'text',
  n_reason: 'int',
  n_answered_at: 'time',
  n_ended_at: 'time',
  n_cause: 'int',
  n_cause_txt: 'text',
};

const rank = (state: RawBuilder<unknown>) =>
  sql`(CASE ${state} WHEN 'DIALING' THEN 1 WHEN 'RINGING' THEN 2 WHEN 'UP' THEN 3 WHEN 'ENDED' THEN 4 WHEN 'FAILED' THEN 5 ELSE 0 END)`;

/**
 * The update's SET and WHERE over `old(column)`, the row's value before this statement:
 * forward-only in SQL too, so a late write from a stale tracker, a second listener or a replay can
 * never move a row back, whatever memory thought.
 */
function statement(old: (column: string) => RawBuilder<unknown>) {
  const live = sql`(${old('call_state')} IS NULL OR ${old('call_state')} IN ('DIALING', 'RINGING', 'UP'))`;
  const rises = sql`(${rank(sql.ref('u.n_state'))} > ${rank(old('call_state'))} AND NOT (u.n_state = 'FAILED' AND ${old('answered_at')} IS NOT NULL))`;
  // An identity column changes while the call is live, and is filled in once even after it ended:
  // a channel that shows up after its OriginateResponse Failure is still the call's.
  const open = (col: string) => sql`(${live} OR ${old(col)} IS NULL)`;
  const identity = (col: string, n: string) => sql`(${sql.ref(n)} IS NOT NULL AND ${open(col)} AND (${old(col)} IS NULL OR ${old(col)} <> ${sql.ref(n)}))`;
  const identityChanges = sql`(${identity('uniqueid', 'u.n_uniqueid')} OR ${identity('call_channel', 'u.n_channel')} OR ${identity('linkedid', 'u.n_linkedid')}
    OR (u.n_answered_at IS NOT NULL AND ${old('answered_at')} IS NULL AND ${live}))`;
  // The cause fills an empty one, and a real cause replaces 0 (a Local `;1` hangs up with 0 while
  // its `;2` reports why, in either order); never the reverse, so a replay changes nothing.
  const betterCause = sql`(u.n_cause IS NOT NULL AND (${old('hangup_cause')} IS NULL OR (${old('hangup_cause')} = 0 AND u.n_cause > 0)))`;
  // A text alone (the cause is unknown, and it says why) fills an empty cause.
  const causeTextOnly = sql`(u.n_cause IS NULL AND ${old('hangup_cause')} IS NULL AND ${old('hangup_cause_txt')} IS NULL AND u.n_cause_txt IS NOT NULL)`;
  const set = sql`
      uniqueid = CASE WHEN u.n_uniqueid IS NOT NULL AND ${open('uniqueid')} THEN u.n_uniqueid ELSE ${old('uniqueid')} END,
      call_channel = CASE WHEN u.n_channel IS NOT NULL AND ${open('call_channel')} THEN u.n_channel ELSE ${old('call_channel')} END,
      linkedid = CASE WHEN u.n_linkedid IS NOT NULL AND ${open('linkedid')} THEN u.n_linkedid ELSE ${old('linkedid')} END,
      answered_at = CASE WHEN ${old('answered_at')} IS NULL AND ${live} THEN u.n_answered_at ELSE ${old('answered_at')} END,
      call_state = CASE WHEN ${rises} THEN u.n_state ELSE ${old('call_state')} END,
      call_reason = COALESCE(${old('call_reason')}, u.n_reason),
      ended_at = COALESCE(${old('ended_at')}, u.n_ended_at),
      hangup_cause = CASE WHEN ${betterCause} THEN u.n_cause ELSE ${old('hangup_cause')} END,
      hangup_cause_txt = CASE WHEN ${betterCause} OR ${causeTextOnly} THEN u.n_cause_txt ELSE ${old('hangup_cause_txt')} END`;
  const where = sql`${identityChanges}
      OR ${rises}
      OR (${old('call_reason')} IS NULL AND u.n_reason IS NOT NULL)
      OR (${old('ended_at')} IS NULL AND u.n_ended_at IS NOT NULL)
      OR ${betterCause}
      OR ${causeTextOnly}`;
  return { set, where };
}

const newValues = (u: CallUpdate): Record<string, unknown> => ({
  n_id: u.id,
  n_uniqueid: u.uniqueid ?? null,
  n_channel: u.call_channel ?? null,
  n_linkedid: u.linkedid ?? null,
  n_state: u.call_state ?? null,
  n_reason: u.call_reason ?? null,
  n_answered_at: u.answered_at ?? null,
  n_ended_at: u.ended_at ?? null,
  n_cause: u.hangup_cause ?? null,
  n_cause_txt: u.hangup_cause_txt ?? null,
});

/**
 * All of a flush's row updates in ONE statement, the batch sent as one JSON parameter (one update
 * per row id). Identity (uniqueid, call_channel, linkedid) changes only while the call is live, or
 * fills an empty column; answered_at only while live; call_state only rises in rank (FAILED never
 * after an answer); call_reason and ended_at are written once; the hangup cause as betterCause
 * says. The WHERE clause holds the same conditions, so an update that changes nothing writes
 * nothing. Where an UPDATE's assignments see each other (MySQL), the rows are first locked and
 * read, and the conditions read those values: call the function inside a transaction there.
 * Returns the number of rows changed.
 */
export async function applyCallUpdates(db: QueueDb, updates: readonly CallUpdate[]): Promise<number> {
  if (updates.length === 0) return 0;
  const d = dialectOf(db);
  const rows = updates.map(newValues);
  if (!d.seesEarlierAssignments) {
    const { set, where } = statement((c) => sql.ref(`manager_queue.${c}`));
    return d.updateFrom(db, 'manager_queue', d.records(rows, 'u', NEW), sql`manager_queue.id = u.n_id`, set, where);
  }
  const ids = updates.map((u) => u.id);
  const current = await db
    .selectFrom('manager_queue')
    .select(['id', ...(Object.keys(READ) as (keyof typeof READ & 'id')[])])
    .where('id', 'in', ids)
    .forUpdate()
    .execute();
  const byId = new Map(current.map((r) => [r.id, r as unknown as Record<string, unknown>]));
  const withOld = rows.flatMap((r) => {
    const old = byId.get(r['n_id'] as number);
    return old === undefined ? [] : [{ ...r, ...Object.fromEntries(Object.keys(READ).map((c) => [`o_${c}`, old[c] ?? null])) }];
  });
  if (withOld.length === 0) return 0;
  const columns = { ...NEW, ...Object.fromEntries(Object.entries(READ).map(([c, t]) => [`o_${c}`, t])) };
  const { set, where } = statement((c) => sql.ref(`u.o_${c}`));
  return d.updateFrom(db, 'manager_queue', d.records(withOld, 'u', columns), sql`manager_queue.id = u.n_id`, set, where);
}

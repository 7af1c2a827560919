import { sql } from 'kysely';
import type { QueueDb } from '../../shared/queue/types.js';
import type { CallUpdate } from '../call-update.js';

// Forward-only in SQL too: a late write from a stale tracker, a second listener or a replay can
// never move a row back, whatever memory thought.
const RANK = sql`(CASE call_state WHEN 'DIALING' THEN 1 WHEN 'RINGING' THEN 2 WHEN 'UP' THEN 3 WHEN 'ENDED' THEN 4 WHEN 'FAILED' THEN 5 ELSE 0 END)`;
const LIVE = sql`(call_state IS NULL OR call_state IN ('DIALING', 'RINGING', 'UP'))`;
const RISES = sql`(u.n_rank > ${RANK} AND NOT (u.n_state = 'FAILED' AND answered_at IS NOT NULL))`;
// An identity column changes while the call is live, and is filled in once even after it ended:
// a channel that shows up after its OriginateResponse Failure is still the call's.
const OPEN = (col: string) => sql`(${LIVE} OR ${sql.ref(col)} IS NULL)`;
const IDENTITY_CHANGES = sql`(
    (u.n_uniqueid IS NOT NULL AND ${OPEN('uniqueid')} AND (uniqueid IS NULL OR uniqueid <> u.n_uniqueid))
    OR (u.n_channel IS NOT NULL AND ${OPEN('call_channel')} AND (call_channel IS NULL OR call_channel <> u.n_channel))
    OR (u.n_linkedid IS NOT NULL AND ${OPEN('linkedid')} AND (linkedid IS NULL OR linkedid <> u.n_linkedid))
    OR (u.n_answered_at IS NOT NULL AND answered_at IS NULL AND ${LIVE}))`;
// The cause fills an empty one, and a real cause replaces 0 (a Local `;1` hangs up with 0 while
// its `;2` reports why, in either order); never the reverse, so a replay changes nothing.
const BETTER_CAUSE = sql`(u.n_cause IS NOT NULL AND (hangup_cause IS NULL OR (hangup_cause = 0 AND u.n_cause > 0)))`;
// A text alone (the cause is unknown, and it says why) fills an empty cause.
const CAUSE_TEXT_ONLY = sql`(u.n_cause IS NULL AND hangup_cause IS NULL AND hangup_cause_txt IS NULL AND u.n_cause_txt IS NOT NULL)`;

/**
 * All of a flush's row updates in ONE statement (SQLite-only: json_each and `->>`, 3.38+; a
 * PostgreSQL port would read jsonb_to_recordset). One update per row id. Identity (uniqueid,
 * call_channel, linkedid) changes only while the call is live, or fills an empty column;
 * answered_at only while live; call_state only rises in rank (FAILED never after an answer);
 * call_reason and ended_at are written once; the hangup cause as BETTER_CAUSE says. The WHERE
 * clause holds the same conditions, so an update that changes nothing writes nothing. Returns the number of rows changed.
 */
export async function applyCallUpdates(db: QueueDb, updates: readonly CallUpdate[]): Promise<number> {
  if (updates.length === 0) return 0;
  const res = await sql`
    UPDATE manager_queue SET
      uniqueid = CASE WHEN u.n_uniqueid IS NOT NULL AND ${OPEN('uniqueid')} THEN u.n_uniqueid ELSE uniqueid END,
      call_channel = CASE WHEN u.n_channel IS NOT NULL AND ${OPEN('call_channel')} THEN u.n_channel ELSE call_channel END,
      linkedid = CASE WHEN u.n_linkedid IS NOT NULL AND ${OPEN('linkedid')} THEN u.n_linkedid ELSE linkedid END,
      answered_at = CASE WHEN answered_at IS NULL AND ${LIVE} THEN u.n_answered_at ELSE answered_at END,
      call_state = CASE WHEN ${RISES} THEN u.n_state ELSE call_state END,
      call_reason = COALESCE(call_reason, u.n_reason),
      ended_at = COALESCE(ended_at, u.n_ended_at),
      hangup_cause = CASE WHEN ${BETTER_CAUSE} THEN u.n_cause ELSE hangup_cause END,
      hangup_cause_txt = CASE WHEN ${BETTER_CAUSE} OR ${CAUSE_TEXT_ONLY} THEN u.n_cause_txt ELSE hangup_cause_txt END
    FROM (
      SELECT value ->> '$.id' AS n_id, value ->> '$.uniqueid' AS n_uniqueid, value ->> '$.call_channel' AS n_channel,
        value ->> '$.linkedid' AS n_linkedid, value ->> '$.call_state' AS n_state,
        CASE value ->> '$.call_state' WHEN 'DIALING' THEN 1 WHEN 'RINGING' THEN 2 WHEN 'UP' THEN 3 WHEN 'ENDED' THEN 4 WHEN 'FAILED' THEN 5 ELSE 0 END AS n_rank,
        value ->> '$.call_reason' AS n_reason, value ->> '$.answered_at' AS n_answered_at, value ->> '$.ended_at' AS n_ended_at,
        value ->> '$.hangup_cause' AS n_cause, value ->> '$.hangup_cause_txt' AS n_cause_txt
      FROM json_each(${JSON.stringify(updates)})
    ) AS u
    WHERE manager_queue.id = u.n_id AND (
      ${IDENTITY_CHANGES}
      OR ${RISES}
      OR (call_reason IS NULL AND u.n_reason IS NOT NULL)
      OR (ended_at IS NULL AND u.n_ended_at IS NOT NULL)
      OR ${BETTER_CAUSE}
      OR ${CAUSE_TEXT_ONLY})
  `.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

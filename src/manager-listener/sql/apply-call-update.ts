import { sql, type RawBuilder } from 'kysely';
import type { QueueDb } from '../../shared/queue/types.js';
import type { CallUpdate } from '../call-update.js';

// Forward-only in SQL too: a late write from a stale tracker, a second listener or a replay can
// never move a row back, whatever memory thought.
const RANK = sql`(CASE call_state WHEN 'DIALING' THEN 1 WHEN 'RINGING' THEN 2 WHEN 'UP' THEN 3 WHEN 'ENDED' THEN 4 WHEN 'FAILED' THEN 5 ELSE 0 END)`;
const LIVE = sql`(call_state IS NULL OR call_state IN ('DIALING', 'RINGING', 'UP'))`;
const NEW_RANK: Record<string, number> = { DIALING: 1, RINGING: 2, UP: 3, ENDED: 4, FAILED: 5 };

type Sets = Record<string, RawBuilder<unknown>>;

/**
 * One statement per row update. Identity (uniqueid, call_channel, linkedid) and answered_at
 * change only while the call is live; call_state only rises in rank (FAILED never after an
 * answer); call_reason, ended_at and the hangup cause are written once. The WHERE clause holds
 * the same conditions, so an update that changes nothing writes nothing. Returns rows changed.
 */
export async function applyCallUpdate(db: QueueDb, u: CallUpdate): Promise<number> {
  const sets: Sets = {};
  const changes: RawBuilder<unknown>[] = [];
  const identity = (col: 'uniqueid' | 'call_channel' | 'linkedid', v: string | undefined): void => {
    if (v === undefined) return;
    const c = sql.ref(col);
    sets[col] = sql`CASE WHEN ${LIVE} THEN ${v} ELSE ${c} END`;
    changes.push(sql`(${LIVE} AND (${c} IS NULL OR ${c} <> ${v}))`);
  };
  const once = (col: 'call_reason' | 'ended_at' | 'hangup_cause_txt', v: string | number | undefined): void => {
    if (v === undefined) return;
    const c = sql.ref(col);
    sets[col] = sql`COALESCE(${c}, ${v})`;
    changes.push(sql`${c} IS NULL`);
  };
  identity('uniqueid', u.uniqueid);
  identity('call_channel', u.call_channel);
  identity('linkedid', u.linkedid);
  once('call_reason', u.call_reason);
  once('ended_at', u.ended_at);
  if (u.call_state !== undefined) {
    const rises = sql`(${RANK} < ${NEW_RANK[u.call_state]}${u.call_state === 'FAILED' ? sql` AND answered_at IS NULL` : sql``})`;
    sets.call_state = sql`CASE WHEN ${rises} THEN ${u.call_state} ELSE call_state END`;
    changes.push(rises);
  }
  if (u.answered_at !== undefined) {
    const fill = sql`(answered_at IS NULL AND ${LIVE})`;
    sets.answered_at = sql`CASE WHEN ${fill} THEN ${u.answered_at} ELSE answered_at END`;
    changes.push(fill);
  }
  if (u.hangup_cause !== undefined) {
    sets.hangup_cause = sql`COALESCE(hangup_cause, ${u.hangup_cause})`;
    sets.hangup_cause_txt = sql`CASE WHEN hangup_cause IS NULL THEN ${u.hangup_cause_txt ?? null} ELSE hangup_cause_txt END`;
    changes.push(sql`hangup_cause IS NULL`);
  } else if (u.hangup_cause_txt !== undefined) {
    once('hangup_cause_txt', u.hangup_cause_txt);
  }
  if (changes.length === 0) return 0;
  const res = await db
    .updateTable('manager_queue')
    .set(sets)
    .where('id', '=', u.id)
    .where(sql<boolean>`(${sql.join(changes, sql` OR `)})`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

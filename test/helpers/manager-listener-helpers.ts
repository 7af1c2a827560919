import { pino } from 'pino';
import { sql, type Kysely } from 'kysely';
import { parseAll } from '../../src/shared/ami/parser.js';
import type { AmiMessage } from '../../src/shared/ami/message.js';
import type { Database, QueueRow } from '../../src/shared/db/schema.js';
import { dialectOf } from '../../src/shared/db/dialect-of.js';
import { Listener, type EventLogMode } from '../../src/manager-listener/listener.js';
import { readCapture } from './ami-captures.js';

export const silent = pino({ level: 'silent' });

/** The events of a capture, in wire order. */
export function captureEvents(name: string): AmiMessage[] {
  return parseAll(readCapture(name)).filter((m) => m.kind === 'event');
}

export function newListener(db: Kysely<Database>, eventLog: EventLogMode = 'matched', server = 'default'): Listener {
  return new Listener({ db, server, eventLog, logger: silent, flushMs: 1 });
}

/** Feed events in order, as the worker does, then write everything. */
export async function replay(listener: Listener, events: readonly AmiMessage[]): Promise<void> {
  for (const e of events) await listener.onEvent(e);
  await listener.flush();
}

/** A row as the sender leaves it after writing the Originate (status SENT, action_id set). */
export async function seedSent(
  db: Kysely<Database>,
  row: { id?: number; callerid?: string | null; action_id?: string | null; channel?: string; status?: 'SENT' | 'SUCCESS' | 'FAILED' | 'LOST'; server?: string },
): Promise<number> {
  return dialectOf(db).insertId(
    db.insertInto('manager_queue').values({
      ...(row.id !== undefined ? { id: row.id } : {}),
      server: row.server ?? 'default',
      action: 'Originate',
      channel: row.channel ?? 'Local/100@default',
      callerid: row.callerid ?? null,
      status: row.status ?? 'SUCCESS',
      action_id: row.action_id ?? null,
      sent_at: '2026-11-22T05:00:00.000Z',
    } as never),
  );
}

export async function row(db: Kysely<Database>, id: number): Promise<QueueRow> {
  return db.selectFrom('manager_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The listener's columns only (what the assertions compare). */
export function callColumns(
  r: QueueRow,
): Pick<QueueRow, 'uniqueid' | 'linkedid' | 'call_channel' | 'call_state' | 'call_reason' | 'hangup_cause' | 'hangup_cause_txt'> {
  const { uniqueid, linkedid, call_channel, call_state, call_reason, hangup_cause, hangup_cause_txt } = r;
  return { uniqueid, linkedid, call_channel, call_state, call_reason, hangup_cause, hangup_cause_txt };
}

export async function allRows(db: Kysely<Database>): Promise<QueueRow[]> {
  return db.selectFrom('manager_queue').selectAll().orderBy('id').execute();
}

export async function eventLogCount(db: Kysely<Database>): Promise<{ total: number; unmatched: number }> {
  const r = await sql<{
    total: number;
    unmatched: number;
  }>`SELECT count(*) AS total, sum(CASE WHEN queue_id IS NULL THEN 1 ELSE 0 END) AS unmatched FROM manager_events`.execute(db);
  const first = r.rows[0]!;
  return { total: Number(first.total), unmatched: Number(first.unmatched ?? 0) };
}

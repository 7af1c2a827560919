import type { Insertable } from 'kysely';
import type { ManagerEventsTable } from '../../shared/db/schema.js';
import type { QueueDb } from '../../shared/queue/types.js';

export type EventLogRow = Insertable<ManagerEventsTable>;

// 7 bound values a row: 400 rows stay far below every engine's bound-parameter limit.
const CHUNK = 400;

/** Append event log rows (manager_events), many per statement. */
export async function insertEvents(db: QueueDb, rows: readonly EventLogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db.insertInto('manager_events').values(rows.slice(i, i + CHUNK)).execute();
  }
}

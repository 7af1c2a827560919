import { sql } from 'kysely';
import type { AmiHeader } from '../../shared/ami/message.js';
import type { QueueDb } from '../../shared/queue/types.js';

/** One manager_events row; headers are stored as the JSON array `[[key, value], ...]`. */
export interface EventLogEntry {
  time: string;
  event: string;
  uniqueid: string | null;
  channel: string | null;
  queue_id: number | null;
  headers: AmiHeader[];
}

// 7 values a row: 100 rows stay under the oldest SQLite bound-parameter limit (999).
const CHUNK = 100;

/**
 * Append a flush's event log rows, a hundred per INSERT. A plain multi-row VALUES through the
 * `sql` template: it compiles much faster than the query builder's for big batches.
 */
export async function insertEvents(db: QueueDb, server: string, rows: readonly EventLogEntry[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = rows.slice(i, i + CHUNK).map((r) => sql`(${server}, ${r.time}, ${r.event}, ${r.uniqueid}, ${r.channel}, ${r.queue_id}, ${JSON.stringify(r.headers)})`);
    await sql`INSERT INTO manager_events (server, time, event, uniqueid, channel, queue_id, headers) VALUES ${sql.join(values)}`.execute(db);
  }
}

import { CompiledQuery } from 'kysely';
import type { QueueDb } from '../../shared/queue/types.js';

/**
 * One manager_events row. `headers` is already the JSON text `[[key, value], ...]`, made when
 * the event arrives: the pending log then holds one string per event rather than its header
 * arrays, which would otherwise survive until the flush and cost old-generation collections.
 */
export interface EventLogEntry {
  time: string;
  event: string;
  uniqueid: string | null;
  channel: string | null;
  queue_id: number | null;
  headers: string;
}

// 7 values a row: 100 rows stay under the oldest SQLite bound-parameter limit (999).
const CHUNK = 100;
const statements = new Map<number, string>();

/** The multi-row INSERT for n rows; its text is the same for every full chunk, so its prepared statement is reused. */
function insertSql(n: number): string {
  let text = statements.get(n);
  if (text === undefined) {
    text = `INSERT INTO manager_events (server, time, event, uniqueid, channel, queue_id, headers) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    statements.set(n, text);
  }
  return text;
}

/**
 * Append a flush's event log rows, a hundred per INSERT. Pre-built SQL text with `?` markers
 * (SQLite and MySQL; PostgreSQL would number them): building 700 values through the query
 * builder cost more than SQLite's own work in an event storm.
 */
export async function insertEvents(db: QueueDb, server: string, rows: readonly EventLogEntry[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: unknown[] = [];
    for (const r of chunk) params.push(server, r.time, r.event, r.uniqueid, r.channel, r.queue_id, r.headers);
    await db.executeQuery(CompiledQuery.raw(insertSql(chunk.length), params));
  }
}

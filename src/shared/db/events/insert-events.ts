import { CompiledQuery } from 'kysely';
import type { QueueDb } from '../../queue/types.js';
import { dialectOf } from '../dialect-of.js';
import type { AmiqDialect } from '../dialect.js';

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

// Rows per INSERT: 64 (7 values a row stays under the oldest SQLite limit of 999 bound
// parameters), then halves for the rest of a flush (32, 16, ... 1). Every statement text is kept
// prepared, so with one text per tail length up to a hundred large INSERTs stayed in memory:
// 4-7 MB of the listener's RSS in an event storm. Halving keeps seven.
const CHUNK = 64;
const statements = new Map<string, string>();

/** The multi-row INSERT for n rows (n a power of two) on one engine, its text made once. */
function insertSql(d: AmiqDialect, n: number): string {
  const key = `${d.engine}:${n}`;
  let text = statements.get(key);
  if (text === undefined) {
    const p = (i: number) => d.placeholder(i);
    const rows = Array.from({ length: n }, (_, r) => `(${Array.from({ length: 7 }, (_, c) => p(r * 7 + c)).join(', ')})`);
    text = `INSERT INTO manager_events (server, time, event, uniqueid, channel, queue_id, headers) VALUES ${rows.join(', ')}`;
    statements.set(key, text);
  }
  return text;
}

/**
 * Append a flush's event log rows, up to 64 per INSERT. Pre-built SQL text with the engine's
 * parameter markers: building hundreds of values through the query builder cost more than
 * SQLite's own work in an event storm.
 */
export async function insertEvents(db: QueueDb, server: string, rows: readonly EventLogEntry[]): Promise<void> {
  const d = dialectOf(db);
  for (let i = 0, size = CHUNK; i < rows.length; i += size) {
    while (size > rows.length - i) size >>= 1;
    const chunk = rows.slice(i, i + size);
    const params: unknown[] = [];
    for (const r of chunk) params.push(server, d.bindTime(r.time), r.event, r.uniqueid, r.channel, r.queue_id, r.headers);
    await db.executeQuery(CompiledQuery.raw(insertSql(d, chunk.length), params));
  }
}

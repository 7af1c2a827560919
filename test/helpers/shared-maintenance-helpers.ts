import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { NewQueueRow } from '../../src/shared/db/schema.js';
import type { Kysely } from 'kysely';
import { dialectOf } from '../../src/shared/db/dialect-of.js';
import type { Database } from '../../src/shared/db/schema.js';

/** Any test database: SQLite's TestDb or an engine's EngineDb. */
export type TestDb = { db: Kysely<Database> };

export const NOW = Date.parse('2026-11-22T12:00:00.000Z');
export const hoursAgo = (h: number): string => new Date(NOW - h * 3_600_000).toISOString();

/** A logger whose JSON lines the test can read back. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Insert a queue row with any columns (created_at included), returning its id. */
export async function addRow(t: TestDb, row: Partial<NewQueueRow> & { created_at: string }): Promise<number> {
  return dialectOf(t.db).insertId(t.db.insertInto('manager_queue').values({ action: 'Hangup', ...row }));
}

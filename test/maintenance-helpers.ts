import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { NewQueueRow } from '../src/shared/db/schema.js';
import type { TestDb } from './queue-db.js';

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
  const r = await t.db
    .insertInto('manager_queue')
    .values({ action: 'Hangup', ...row })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

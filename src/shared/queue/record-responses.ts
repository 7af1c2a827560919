import { isoNow } from '../time.js';
import type { QueueDb } from './types.js';

export interface ActionResponse {
  id: number;
  /** Asterisk's `Response:` value as it answered (Success, Error, Follows, ...). */
  response: string;
  message: string | null;
  at?: string;
}

/** Success-like answers; Error (and anything unknown) is a refusal. */
const SUCCESS = new Set(['success', 'follows', 'goodbye', 'pong', 'events on', 'events off']);

export function statusForResponse(response: string): 'SUCCESS' | 'FAILED' {
  return SUCCESS.has(response.trim().toLowerCase()) ? 'SUCCESS' : 'FAILED';
}

/**
 * SENT → SUCCESS/FAILED with response, message and response_at, for a batch of answers in one
 * short transaction (or inside the caller's). A row no longer SENT (already LOST) is left alone.
 */
export async function recordResponses(db: QueueDb, responses: readonly ActionResponse[]): Promise<number> {
  if (responses.length === 0) return 0;
  if (!db.isTransaction) return db.transaction().execute((trx) => recordResponses(trx, responses));
  const now = isoNow();
  let updated = 0;
  for (const r of responses) {
    const res = await db
      .updateTable('manager_queue')
      .set({ status: statusForResponse(r.response), response: r.response, message: r.message, response_at: r.at ?? now })
      .where('id', '=', r.id)
      .where('status', '=', 'SENT')
      .executeTakeFirst();
    updated += Number(res.numUpdatedRows);
  }
  return updated;
}

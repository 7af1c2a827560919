import { isoNow } from '../time.js';
import { chunks } from './case-by-id.js';
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
 * SENT → SUCCESS/FAILED with response, message and response_at for a batch of answers. Answers
 * mostly repeat (`Success` / `Originate successfully queued`, within the same millisecond), so
 * rows sharing all three values are updated by one statement. A row no longer SENT (already
 * LOST) is left alone. Returns how many rows were updated.
 */
export async function recordResponses(db: QueueDb, responses: readonly ActionResponse[]): Promise<number> {
  const now = isoNow();
  const groups = new Map<string, { r: ActionResponse; at: string; ids: number[] }>();
  for (const r of responses) {
    const at = r.at ?? now;
    const key = JSON.stringify([r.response, r.message, at]);
    const g = groups.get(key);
    if (g) g.ids.push(r.id);
    else groups.set(key, { r, at, ids: [r.id] });
  }
  let updated = 0;
  for (const { r, at, ids } of groups.values()) {
    for (const batch of chunks(ids, 500)) {
      const res = await db
        .updateTable('manager_queue')
        .set({ status: statusForResponse(r.response), response: r.response, message: r.message, response_at: at })
        .where('id', 'in', batch)
        .where('status', '=', 'SENT')
        .executeTakeFirst();
      updated += Number(res.numUpdatedRows);
    }
  }
  return updated;
}

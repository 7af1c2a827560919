import type { AmiMessage } from '../shared/ami/message.js';
import type { ResultItem } from '../shared/queue/index.js';

/** A row keeps at most this many list items ... */
export const MAX_RESULT_ITEMS = 1000;
/** ... and at most this many bytes of their headers' JSON. */
export const MAX_RESULT_BYTES = 1024 * 1024;

export interface KeptResult {
  items: ResultItem[];
  /** Said in the row's message when items were left out. */
  truncated: string | null;
}

/**
 * The items of a list action's answer as the row keeps them: in order, each a JSON object of its
 * headers, bounded so that a CoreShowChannels on a busy PBX cannot bloat the database. Items past
 * the bound are left out and the row's message says how many.
 */
export function keepListItems(events: readonly AmiMessage[]): KeptResult {
  const items: ResultItem[] = [];
  let bytes = 0;
  for (const msg of events) {
    const headers = headersObject(msg);
    bytes += Buffer.byteLength(headers);
    if (items.length >= MAX_RESULT_ITEMS || bytes > MAX_RESULT_BYTES) {
      return { items, truncated: `results truncated: kept ${items.length} of ${events.length} items (limit ${MAX_RESULT_ITEMS} items, 1 MiB)` };
    }
    items.push({ event: msg.eventName ?? '', headers });
  }
  return { items, truncated: null };
}

/** `{"Event":"Status","Variable":["A=1","B=2"],...}`: one key per header, a repeated one as an array, in order. */
export function headersObject(msg: AmiMessage): string {
  // No prototype: a header named __proto__ is kept as a key like any other.
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of msg.headers) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return JSON.stringify(out);
}

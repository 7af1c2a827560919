import type { QueueRow } from '../shared/db/schema.js';
import { queueTimeMs } from '../shared/queue/queue-time.js';

/** 32-bit FNV-1a, base 36: a short stable token of a text. */
function fnv36(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * The ActionID of a row: `amiq-<id>-<salt>`. The id alone would repeat across databases that
 * feed the same Asterisk (a second site, a test database, a database recreated from scratch), and
 * the listener, which sees every OriginateResponse on that Asterisk, would then match another
 * database's call to this row. The salt comes from the row's created_at, so it is derived from
 * the row alone and is the same whoever computes it.
 */
export function actionIdFor(row: Pick<QueueRow, 'id' | 'created_at'>): string {
  return `amiq-${row.id}-${fnv36(row.created_at)}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A callerid for an Originate row that has none: 'M' + yymmddHHMMSS (UTC, of created_at) +
 * the id zero-padded to 7 digits, e.g. M2611221200000000001. Unique because the id is.
 */
export function generateCallerid(row: Pick<QueueRow, 'id' | 'created_at'>, fallbackNow: number = Date.now()): string {
  const d = new Date(queueTimeMs(row.created_at) ?? fallbackNow);
  const stamp =
    pad2(d.getUTCFullYear() % 100) +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds());
  return `M${stamp}${String(row.id).padStart(7, '0')}`;
}

/**
 * The CallerID header carrying the correlation key. ast_callerid_parse takes the quoted part as
 * the name and the <...> part as the number (shrunk of `( )-.` and spaces); the key goes in both,
 * as the captures do, so it survives in CallerIDName whatever the number rules do to it.
 */
export function callerIdHeader(callerid: string): string {
  return `"${callerid}" <${callerid}>`;
}

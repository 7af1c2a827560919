/**
 * What a client may write in a time column of manager_queue on SQLite (SPEC §2), and the instant
 * it names. The one definition: the sender's row check and the SQL function that claim, expiry
 * and the wake-up compare with (db/sqlite/queue-time-sql.ts) both call queueTimeMs.
 *
 * Accepted, nothing else (no zone-less `T` form, no date alone, no numbers, no `now`):
 *   ISO-8601 with a zone:  2026-12-06T10:00:00Z, 2026-12-06T10:00:00.123+02:00, …-0500
 *   SQLite's datetime():   2026-12-06 10:00:00, 2026-12-06 10:00:00.123 (read as UTC)
 * Fractions of a second beyond milliseconds are cut, never rounded up.
 */

/** The rule, as INVALID messages and the docs state it. */
const TIME_RULE = 'ISO-8601 with Z or an offset, or YYYY-MM-DD HH:MM:SS UTC';

/** The client-written time columns, in the order the sender checks them. */
const CLIENT_TIME_COLUMNS = ['not_before', 'expires_at', 'created_at'] as const;
type ClientTimeColumn = (typeof CLIENT_TIME_COLUMNS)[number];

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;
const SQLITE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Epoch milliseconds of a time text, or why it is not one (null: it is not in either form). */
function parseQueueTime(text: string): { ms: number } | { outOfRange: string } | null {
  const m = ISO.exec(text) ?? SQLITE.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) return { outOfRange: `month ${m[2]}` };
  const days = month === 2 && isLeap(year) ? 29 : DAYS[month - 1]!;
  if (day < 1 || day > days) return { outOfRange: `day ${m[3]} of ${m[1]}-${m[2]}` };
  if (hour > 23) return { outOfRange: `hour ${m[4]}` };
  if (minute > 59) return { outOfRange: `minute ${m[5]}` };
  if (second > 59) return { outOfRange: `second ${m[6]}` };
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return { outOfRange: `offset ${m[9]}${m[10]}:${m[11]}` };
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0..99 as 1900..1999
  d.setUTCHours(hour, minute, second, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  return { ms: d.getTime() - offsetMin * 60_000 };
}

/** The instant a time column's value names, in epoch ms, or null when it names none. */
export function queueTimeMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const p = parseQueueTime(value);
  return p !== null && 'ms' in p ? p.ms : null;
}

/** The INVALID message for a time column's value, or null when it is a time (or NULL). */
export function checkTimeColumn(column: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return `${column}: a ${Buffer.isBuffer(value) ? 'blob' : typeof value} is not a time (${TIME_RULE})`;
  const p = parseQueueTime(value);
  if (p === null) return `${column}: ${JSON.stringify(value)} is not a time (${TIME_RULE})`;
  return 'outOfRange' in p ? `${column}: ${JSON.stringify(value)} is not a time: ${p.outOfRange} is out of range` : null;
}

/** The first client-written time column of a row that names no instant, as its INVALID message. */
export function checkRowTimes(row: Readonly<Partial<Record<ClientTimeColumn, unknown>>>): string | null {
  for (const column of CLIENT_TIME_COLUMNS) {
    const bad = checkTimeColumn(column, row[column]);
    if (bad !== null) return bad;
  }
  return null;
}

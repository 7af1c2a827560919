import type { QueueRow } from '../shared/db/schema.js';
import { callSettled, isTerminal, placesCall, pollRow, type QueueDb } from '../shared/queue/index.js';
import { callReasonText } from './call-reason.js';
import { CliError } from './context.js';

/** Exit codes of the queue commands (SPEC §9). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** `K=V` pairs from repeated options or arguments; the value may itself contain '='. */
export function parsePairs(pairs: readonly string[], what: string): Array<[string, string]> {
  return pairs.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new CliError(`${what} ${JSON.stringify(p)}: expected KEY=VALUE`, 2);
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}

/** Pairs to a params object; a repeated key becomes an array (a repeated header). */
export function pairsToParams(pairs: ReadonlyArray<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new CliError(`id ${JSON.stringify(text)}: expected a positive integer`, 2);
  return id;
}

/**
 * The exit code a row deserves: 0 sent and accepted (and the call not failed), 1 refused, failed,
 * lost, expired or cancelled, 2 refused as invalid input.
 */
export function exitCodeFor(row: QueueRow): number {
  if (row.status === 'INVALID') return EXIT.badInput;
  if (row.status !== 'SUCCESS') return EXIT.failed;
  return row.call_state === 'FAILED' ? EXIT.failed : EXIT.ok;
}

export interface WaitOptions {
  /** Give up on the status after this long (the row may sit NEW while no sender runs). */
  statusTimeoutMs: number;
  /** After an Originate's SUCCESS, how long to wait for the call to be answered, end or fail. */
  callTimeoutMs: number;
  pollMs?: number;
}

export interface WaitResult {
  row: QueueRow;
  /** Why the wait ended early: the status or the call never settled. */
  timedOut: 'status' | 'call' | null;
}

/**
 * Follow a row until its status is terminal and, for an accepted Originate, its call settles
 * (both bounded). Polls the row: a CLI process has no change signal worth opening for one row.
 */
export async function waitForRow(db: QueueDb, id: number, opts: WaitOptions): Promise<WaitResult> {
  const poll = { pollMs: opts.pollMs ?? 50, maxPollMs: opts.pollMs ?? 50 };
  const status = await pollRow(db, id, isTerminal, { ...poll, timeoutMs: opts.statusTimeoutMs });
  if (!status.row) throw new CliError(`row ${id} not found`, 2);
  if (status.timedOut) return { row: status.row, timedOut: 'status' };
  if (!placesCall(status.row)) return { row: status.row, timedOut: null };
  const call = await pollRow(db, id, callSettled, { ...poll, timeoutMs: opts.callTimeoutMs });
  return { row: call.row ?? status.row, timedOut: call.timedOut ? 'call' : null };
}

const DETAIL: Array<keyof QueueRow> = [
  'id',
  'server',
  'action',
  'channel',
  'callerid',
  'params',
  'priority',
  'tag',
  'status',
  'message',
  'created_at',
  'not_before',
  'expires_at',
  'sent_at',
  'response_at',
  'action_id',
  'response',
  'call_state',
  'call_reason',
  'call_channel',
  'uniqueid',
  'linkedid',
  'answered_at',
  'ended_at',
  'hangup_cause',
  'hangup_cause_txt',
];

/** A column's value as a person reads it: the call reason in words as well as its number. */
function detailValue(row: QueueRow, key: keyof QueueRow): string {
  return key === 'call_reason' && row.call_reason !== null ? callReasonText(row.call_reason) : String(row[key]);
}

/** One row as `key: value` lines, empty columns left out. */
export function formatRowDetail(row: QueueRow): string {
  const width = Math.max(...DETAIL.map((k) => k.length));
  return DETAIL.filter((k) => row[k] !== null && row[k] !== '')
    .map((k) => `${k.padEnd(width)}  ${detailValue(row, k)}`)
    .join('\n');
}

/** HH:MM:SS.mmm of a stored UTC timestamp, in UTC or in this host's time zone; unparsable text as stored. */
export function clockTime(stamp: string, local: boolean): string {
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) return stamp;
  const shift = local ? new Date(ms).getTimezoneOffset() * 60_000 : 0;
  return new Date(ms - shift).toISOString().slice(11, 23);
}

const cause = (r: QueueRow): string => (r.hangup_cause === null ? '' : `${r.hangup_cause} ${r.hangup_cause_txt ?? ''}`.trimEnd());

type Column = [string, (r: QueueRow) => string, number];

function columns(local: boolean): Column[] {
  return [
    ['ID', (r) => String(r.id), 8],
    ['SERVER', (r) => r.server, 10],
    ['ACTION', (r) => r.action, 10],
    ['CHANNEL', (r) => r.channel ?? '', 24],
    ['CALLERID', (r) => r.callerid ?? '', 21],
    ['STATUS', (r) => r.status, 9],
    ['CALL', (r) => r.call_state ?? '', 7],
    ['CAUSE', cause, 22],
    [local ? 'CREATED LOCAL' : 'CREATED UTC', (r) => clockTime(r.created_at, local), 13],
    ['MESSAGE', (r) => r.message ?? '', 40],
  ];
}

const cell = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));

/** Rows as a fixed-width table (for `watch` and the commands' human output); times in UTC unless `local`. */
export function formatRowTable(rows: readonly QueueRow[], opts: { local?: boolean } = {}): string {
  const cols = columns(opts.local ?? false);
  const head = cols.map(([h, , w]) => cell(h, w)).join(' ');
  const body = rows.map((r) => cols.map(([, f, w]) => cell(f(r).replace(/[\r\n]+/g, ' '), w)).join(' '));
  return [head, ...body].map((l) => l.trimEnd()).join('\n');
}

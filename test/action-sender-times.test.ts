import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCallerid } from '../src/action-sender/row-identity.js';
import { ActionSender } from '../src/action-sender/sender-loop.js';
import { openTestDb, rowById, type TestDb } from './helpers/queue-db.js';
import { FakeClient, silent, until } from './helpers/action-sender-helpers.js';

const RULE = '(ISO-8601 with Z or an offset, or YYYY-MM-DD HH:MM:SS UTC)';
const pad = (n: number): string => String(n).padStart(2, '0');

/** The instant `ms` as a client in another zone writes it: local wall time and its offset. */
function withOffset(ms: number, minutes: number): string {
  const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 23);
  const a = Math.abs(minutes);
  return `${local}${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
/** SQLite's datetime() form, whole seconds (or strftime('%Y-%m-%d %H:%M:%f') with fraction). */
const sqliteForm = (ms: number, fraction = false): string =>
  new Date(ms)
    .toISOString()
    .slice(0, fraction ? 23 : 19)
    .replace('T', ' ');
const z = (ms: number): string => new Date(ms).toISOString();

interface Case {
  name: string;
  not_before?: string;
  expires_at?: string;
  created_at?: string;
  /** The row's final status, and its message for INVALID / EXPIRED. */
  status: 'SUCCESS' | 'INVALID' | 'EXPIRED' | 'NEW';
  message?: string;
}

function cases(now: number): Case[] {
  const today = z(now).slice(0, 10);
  const invalid = (column: string, text: string, why = RULE): Case => ({
    name: `${column} ${JSON.stringify(text)}`,
    [column]: text,
    status: 'INVALID',
    message: why.startsWith(':') ? `${column}: ${JSON.stringify(text)} is not a time${why}` : `${column}: ${JSON.stringify(text)} is not a time ${why}`,
  });
  const minuteAgo = now - 60_000;
  const hourAhead = now + 3_600_000;
  return [
    { name: 'not_before Z, past', not_before: z(minuteAgo), status: 'SUCCESS' },
    { name: 'not_before +02:00, past (sorts after now as text)', not_before: withOffset(minuteAgo, 120), status: 'SUCCESS' },
    { name: 'not_before -05:00, past', not_before: withOffset(minuteAgo, -300), status: 'SUCCESS' },
    { name: 'not_before datetime(), past', not_before: sqliteForm(minuteAgo), status: 'SUCCESS' },
    { name: 'not_before strftime %f, past', not_before: sqliteForm(minuteAgo, true), status: 'SUCCESS' },
    { name: 'not_before -05:00, in an hour (sorts before now as text)', not_before: withOffset(hourAhead, -300), status: 'NEW' },
    invalid('not_before', 'tomorrow'),
    invalid('not_before', `${today}T10:00:00`),
    invalid('not_before', today),
    invalid('not_before', String(Math.floor(now / 1000))),
    invalid('not_before', 'now'),
    invalid('not_before', `${today.slice(0, 4)}-13-01 00:00:00`, ': month 13 is out of range'),
    invalid('not_before', '2026-02-30T10:00:00Z', ': day 30 of 2026-02 is out of range'),
    { name: 'expires_at Z, in an hour', expires_at: z(hourAhead), status: 'SUCCESS' },
    { name: 'expires_at datetime(), in an hour (sorts before now as text)', expires_at: sqliteForm(hourAhead), status: 'SUCCESS' },
    { name: 'expires_at -05:00, in an hour (sorts before now as text)', expires_at: withOffset(hourAhead, -300), status: 'SUCCESS' },
    {
      name: 'expires_at +02:00, a minute ago (sorts after now as text)',
      expires_at: withOffset(minuteAgo, 120),
      status: 'EXPIRED',
      message: `not sent before expires_at ${withOffset(minuteAgo, 120)}`,
    },
    invalid('expires_at', 'never'),
    invalid('expires_at', `${today} 10:00`),
    { name: 'created_at datetime(), 10 s ago (sorts before the ttl cutoff as text)', created_at: sqliteForm(now - 10_000), status: 'SUCCESS' },
    { name: 'created_at +02:00, 10 s ago', created_at: withOffset(now - 10_000, 120), status: 'SUCCESS' },
    {
      name: 'created_at +02:00, 10 min ago (sorts after the ttl cutoff as text)',
      created_at: withOffset(now - 600_000, 120),
      status: 'EXPIRED',
      message: 'not sent within ttl_seconds=60 of created_at',
    },
    invalid('created_at', 'today'),
    invalid('created_at', today),
    { name: 'scheduled: past created_at + ttl, not past not_before + ttl', created_at: z(now - 120_000), not_before: z(now - 30_000), status: 'SUCCESS' },
    {
      name: 'scheduled: past not_before + ttl',
      created_at: z(now - 200_000),
      not_before: z(now - 90_000),
      status: 'EXPIRED',
      message: `not sent within ttl_seconds=60 of not_before ${z(now - 90_000)}`,
    },
  ];
}

describe('client time columns through the sender (claim → INVALID / sent / EXPIRED)', () => {
  let t: TestDb;
  let client: FakeClient;
  let stop: AbortController;
  let running: Promise<void> | undefined;

  beforeEach(async () => {
    t = await openTestDb();
    client = new FakeClient();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await running;
    await t.cleanup();
  });

  it('each format, good and bad, in each column ends as the contract says', async () => {
    const now = Date.now();
    const table = cases(now);
    // Plain SQL, as a client writes it; created_at only where the case gives one.
    const ids = table.map((c) => {
      const cols = ['action', 'not_before', 'expires_at', ...(c.created_at !== undefined ? ['created_at'] : [])];
      const values = ['Ping', c.not_before ?? null, c.expires_at ?? null, ...(c.created_at !== undefined ? [c.created_at] : [])];
      const sql = `INSERT INTO manager_queue (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
      return Number(t.sqlite.prepare(sql).run(...values).lastInsertRowid);
    });
    const policy = { allowedActions: ['Ping'], allowedCommands: [] };
    const sender = new ActionSender(
      t.db,
      client,
      { server: 'default', policy, ratePerSecond: 0, maxInFlight: 0, responseTimeoutMs: 1000, ttlSeconds: 60, drainMs: 200 },
      silent,
      {
        count: () => {},
        setError: () => {},
      },
    );
    running = sender.run(stop.signal);
    const settled = table.map((c, i) => ({ c, id: ids[i]! })).filter(({ c }) => c.status !== 'NEW');
    await until(async () => {
      for (const { id } of settled) if (['NEW', 'SENDING', 'SENT'].includes((await rowById(t.db, id)).status)) return false;
      return true;
    }, 'every row with an outcome to reach it');
    const sentIds = new Set(client.sent.map((a) => Number(/^amiq-(\d+)-/.exec(a.actionId)?.[1])));
    const got = await Promise.all(
      table.map(async (c, i) => {
        const row = await rowById(t.db, ids[i]!);
        return { name: c.name, status: row.status, message: c.message === undefined ? undefined : row.message, sent: sentIds.has(row.id) };
      }),
    );
    expect(got).toEqual(table.map((c) => ({ name: c.name, status: c.status, message: c.message, sent: c.status === 'SUCCESS' })));
  });
});

describe('times the sender derives from created_at', () => {
  it('a generated callerid reads a datetime() created_at as UTC whatever the host zone', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York'; // Node re-reads the zone when TZ is assigned
    try {
      expect(generateCallerid({ id: 1, created_at: '2026-12-06 10:00:00' })).toBe('M2612061000000000001');
      expect(generateCallerid({ id: 2, created_at: '2026-12-06T10:00:00-05:00' })).toBe('M2612061500000000002');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Kysely } from 'kysely';
import type { Database } from '../../shared/db/index.js';
import { readChanges } from '../../shared/db/queue/read-changes.js';
import { rowsByIds } from '../../shared/db/queue/rows-by-ids.js';
import { changeEntry, matches, type ChangeEntry, type EntryFilter } from './change-entry.js';
import type { ChangeFeed } from './change-feed.js';

export interface SseClientOptions {
  feed: ChangeFeed;
  db: Kysely<Database>;
  res: ServerResponse;
  filter: EntryFilter;
  /** The last seq the client has (Last-Event-ID / ?after=). */
  after: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  heartbeatMs: number;
  /** Ends the stream (the server closing). */
  signal: AbortSignal;
  /** Changes read per statement when catching up from the database. */
  batch?: number;
}

/** Events joined per write: fewer syscalls for a client catching up, small enough to yield to others. */
const CHUNK = 100;

/**
 * One /v1/changes client: its own cursor and pump, so a slow reader waits for its own socket to
 * drain and never holds the feed or another client back. It reads the feed's ring while that
 * reaches back to its cursor, else (a resume from long ago, or a reader that fell that far
 * behind) the change log itself, up to the feed's cursor: a resumed stream gets every change
 * after its Last-Event-ID once, in seq order.
 */
export async function serveSse(o: SseClientOptions): Promise<void> {
  const { feed, res } = o;
  let cursor = o.after;
  let open = true;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const end = (): void => {
    open = false;
    stop();
    poke();
  };
  res.on('close', end);
  o.signal.addEventListener('abort', end, { once: true });
  feed.on('advance', poke);
  const heartbeat = setInterval(() => {
    if (open && !res.writableNeedDrain) res.write(': heartbeat\n\n');
  }, o.heartbeatMs);

  const write = async (text: string): Promise<void> => {
    if (res.write(text) || !open) return;
    const done = new AbortController();
    try {
      await Promise.race([once(res, 'drain', { signal: done.signal }), once(res, 'close', { signal: done.signal }), stopped]);
    } finally {
      done.abort();
    }
  };
  const send = async (entries: readonly ChangeEntry[]): Promise<void> => {
    for (let i = 0; i < entries.length && open; i += CHUNK) {
      await write(
        entries
          .slice(i, i + CHUNK)
          .map((e) => e.text)
          .join(''),
      );
    }
  };

  try {
    await write(': amiq change stream\nretry: 1000\n\n');
    while (open) {
      const upTo = feed.cursor;
      if (cursor >= upTo) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const recent = feed.since(cursor);
      if (recent !== undefined) {
        const last = recent.at(-1)?.seq ?? upTo;
        await send(recent.filter((e) => matches(e, o.filter)));
        cursor = Math.max(cursor, last);
        continue;
      }
      const batch = o.batch ?? 500;
      const servers = o.filter.servers === undefined ? undefined : [...o.filter.servers];
      const read = await readChanges(o.db, cursor, batch, { servers, tag: o.filter.tag }, upTo);
      const rows = await rowsByIds(
        o.db,
        read.map((c) => c.queue_id),
      );
      await send(read.map((c) => changeEntry(c, rows.get(c.queue_id))).filter((e) => matches(e, o.filter)));
      cursor = read.length < batch ? upTo : read.at(-1)!.seq;
    }
  } finally {
    clearInterval(heartbeat);
    feed.off('advance', poke);
    o.signal.removeEventListener('abort', end);
    res.off('close', end);
    // A client that stopped reading would hold end() (and the server's close) until it drains.
    if (res.writableNeedDrain) res.destroy();
    else if (!res.writableEnded) res.end();
  }
}

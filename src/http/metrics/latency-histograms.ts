import { Histogram, type Registry } from 'prom-client';
import type { ChangeFeed } from '../change-feed/change-feed.js';
import type { ChangeEntry } from '../change-feed/change-entry.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Rows remembered as observed; past this, those changed longest ago are forgotten. */
const MAX_FOLLOWED = 100_000;
const SENT = 1;
const ANSWERED = 2;

const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;

/**
 * insert → sent and sent → response, per server, from the rows' own times (created_at, sent_at,
 * response_at) as the change feed sees them change: each row is observed once per histogram,
 * whichever process sent it. Counts start when the http worker starts.
 */
export function latencyHistograms(registry: Registry, feed: ChangeFeed): { stop(): void } {
  const toSent = new Histogram({
    name: 'amiq_insert_to_sent_seconds',
    help: 'from a row written (created_at) to its action written to Asterisk (sent_at)',
    labelNames: ['server'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const toResponse = new Histogram({
    name: 'amiq_sent_to_response_seconds',
    help: "from an action written to Asterisk (sent_at) to Asterisk's response recorded (response_at)",
    labelNames: ['server'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const seen = new Map<number, number>();
  let cursor = feed.cursor;

  const observe = (e: ChangeEntry): void => {
    const row = e.row;
    if (row === undefined) return;
    let flags = seen.get(row.id) ?? 0;
    if (!(flags & SENT) && row.sent_at !== null) {
      toSent.observe({ server: row.server }, Math.max(0, seconds(row.created_at, row.sent_at)));
      flags |= SENT;
    }
    if (!(flags & ANSWERED) && row.sent_at !== null && row.response_at !== null) {
      toResponse.observe({ server: row.server }, Math.max(0, seconds(row.sent_at, row.response_at)));
      flags |= ANSWERED;
    }
    // Kept past a terminal status too: each change entry carries the row as it is now, so the
    // row's later changes (the listener's call progress after SUCCESS, or entries read after the
    // last change) show the same times again. Most recently changed last; the oldest go first.
    seen.delete(row.id);
    if (seen.size >= MAX_FOLLOWED) seen.delete(seen.keys().next().value!);
    seen.set(row.id, flags);
  };
  const onAdvance = (): void => {
    // Behind the ring (the feed's first read, or a burst larger than the ring): what it still holds.
    const entries = feed.since(cursor) ?? feed.since(feed.ringStart) ?? [];
    cursor = feed.cursor;
    for (const e of entries) observe(e);
  };
  feed.on('advance', onAdvance);
  return { stop: () => feed.off('advance', onAdvance) };
}

import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { WakeSignal } from '../wake-signal.js';

export interface PollSignalOptions {
  /** Only this server's rows (default: any). */
  server?: string;
  /** How often to look while the queue is quiet ([database] poll_interval_ms). */
  intervalMs: number;
}

/** After a change, look this much more often (5 ms at least) ... */
const BUSY_DIVISOR = 5;
const BUSY_MIN_MS = 5;
/** ... until no change was seen for this long. */
const BUSY_FOR_MS = 1000;

/**
 * MySQL/MariaDB's side of the wake-up seam (no NOTIFY there): every interval one indexed read
 * of the newest NEW row's id (the claim index serves it: server, status, then the primary key)
 * and the count of NEW rows. A newer row or more rows wakes; a NEW row released back (same id,
 * one more row) too; fewer rows (the sender's own claims) do not. Errors (the server away) are reported and the poll goes on.
 * While rows keep coming it looks five times as often (every 10 ms at the default 50), so a row
 * inserted into a busy queue waits for a look a few ms, not up to the whole interval; a quiet
 * queue costs one query per interval.
 */
export class PollSignal extends WakeSignal {
  readonly #db: Kysely<Database>;
  readonly #opts: PollSignalOptions;
  #timer: NodeJS.Timeout | undefined;
  #last: { top: number; n: number } | undefined;
  #lastChangeAt = Number.NEGATIVE_INFINITY;

  constructor(db: Kysely<Database>, opts: PollSignalOptions) {
    super();
    this.#db = db;
    this.#opts = opts;
    this.ready = this.#poll().then(() => this.#schedule());
  }

  /** The next look: sooner while changes keep coming. One look at a time: the next is planned when one ends. */
  #schedule(): void {
    if (this.closed) return;
    const { intervalMs } = this.#opts;
    const busy = performance.now() - this.#lastChangeAt < BUSY_FOR_MS;
    const delay = busy ? Math.min(intervalMs, Math.max(BUSY_MIN_MS, Math.round(intervalMs / BUSY_DIVISOR))) : intervalMs;
    this.#timer = setTimeout(() => void this.#poll().then(() => this.#schedule()), delay);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    if (this.closed) return;
    try {
      let q = this.#db
        .selectFrom('manager_queue')
        .select([sql<number | null>`MAX(id)`.as('top'), sql<number>`COUNT(*)`.as('n')])
        .where('status', '=', 'NEW');
      if (this.#opts.server !== undefined) q = q.where('server', '=', this.#opts.server);
      const row = await q.executeTakeFirst();
      const seen = { top: Number(row?.top ?? 0), n: Number(row?.n ?? 0) };
      const last = this.#last;
      this.#last = seen;
      if (last === undefined) return;
      if (seen.top !== last.top || seen.n !== last.n) this.#lastChangeAt = performance.now();
      // Only more NEW rows wake: fewer are the sender's own claims (or cancels), nothing to look for.
      if ((seen.top > last.top || seen.n > last.n) && !this.closed) this.emit('change');
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err as Error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#timer);
    this.removeAllListeners('change');
  }
}

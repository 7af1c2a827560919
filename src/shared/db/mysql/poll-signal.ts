import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { WakeSignal } from '../wake-signal.js';

export interface PollSignalOptions {
  /** Only this server's rows (default: any). */
  server?: string;
  /** How often to look ([database] poll_interval_ms). */
  intervalMs: number;
}

/**
 * MySQL/MariaDB's side of the wake-up seam (no NOTIFY there): every interval one indexed read
 * of the newest NEW row's id (the claim index serves it: server, status, then the primary key)
 * and the count of NEW rows. A change of either is a change; a NEW row released back (same
 * id, one more row) counts too. Errors (the server away) are reported and the poll goes on.
 */
export class PollSignal extends WakeSignal {
  readonly #db: Kysely<Database>;
  readonly #opts: PollSignalOptions;
  readonly #timer: NodeJS.Timeout;
  #last: string | undefined;
  #busy = false;

  constructor(db: Kysely<Database>, opts: PollSignalOptions) {
    super();
    this.#db = db;
    this.#opts = opts;
    this.#timer = setInterval(() => void this.#poll(), opts.intervalMs);
    this.#timer.unref();
    this.ready = this.#poll();
  }

  async #poll(): Promise<void> {
    if (this.#busy || this.closed) return;
    this.#busy = true;
    try {
      let q = this.#db
        .selectFrom('manager_queue')
        .select([sql<number | null>`MAX(id)`.as('top'), sql<number>`COUNT(*)`.as('n')])
        .where('status', '=', 'NEW');
      if (this.#opts.server !== undefined) q = q.where('server', '=', this.#opts.server);
      const row = await q.executeTakeFirst();
      const seen = `${row?.top ?? 0}/${row?.n ?? 0}`;
      const changed = this.#last !== undefined && seen !== this.#last;
      this.#last = seen;
      if (changed && !this.closed) this.emit('change');
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err as Error);
    } finally {
      this.#busy = false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#timer);
    this.removeAllListeners('change');
  }
}

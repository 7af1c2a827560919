import { EventEmitter } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';

export interface ChangeSignalOptions {
  /** How often to look; default 50 ms. One tiny pragma read per look. */
  intervalMs?: number;
}

/**
 * Emits 'change' soon after any connection (this process or another) commits to the database.
 *
 * SQLite has no NOTIFY: `PRAGMA data_version` on a dedicated connection changes whenever
 * another connection commits, so polling it is a cheap cross-process commit signal. This is
 * the seam where PostgreSQL's LISTEN/NOTIFY would go. Listeners still re-read what they need:
 * a signal says "something changed", never what.
 */
export class ChangeSignal extends EventEmitter<{ change: []; error: [Error] }> {
  readonly #conn: BetterSqlite3.Database;
  readonly #dataVersion: BetterSqlite3.Statement<[], number>;
  readonly #timer: NodeJS.Timeout;
  #version: number;
  #closed = false;

  constructor(path: string, opts: ChangeSignalOptions = {}) {
    super();
    if (path === ':memory:' || path === '') throw new Error('change signal needs a database file, not an in-memory database');
    this.#conn = new BetterSqlite3(path, { fileMustExist: true });
    this.#conn.pragma('busy_timeout = 5000');
    // Prepared once: ~2.6 µs a look instead of ~7 µs through pragma() (measured), so even a
    // 2 ms interval costs about 0.1% of a core.
    this.#dataVersion = this.#conn.prepare<[], number>('PRAGMA data_version').pluck();
    this.#version = this.#read();
    this.#timer = setInterval(() => this.#poll(), opts.intervalMs ?? 50);
    // The signal alone never keeps a process alive.
    this.#timer.unref();
  }

  #read(): number {
    return this.#dataVersion.get() as number;
  }

  #poll(): void {
    try {
      const v = this.#read();
      if (v === this.#version) return;
      this.#version = v;
      this.emit('change');
    } catch (err) {
      this.emit('error', err as Error);
    }
  }

  /** Resolves at the next change (or when `signal` aborts, or after `timeoutMs`); true = a change. */
  next(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#closed || opts.signal?.aborted) return resolve(false);
      const done = (changed: boolean) => {
        this.off('change', onChange);
        opts.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        resolve(changed);
      };
      const onChange = () => done(true);
      const onAbort = () => done(false);
      const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => done(false), opts.timeoutMs);
      this.on('change', onChange);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#conn.close();
    this.removeAllListeners('change');
  }
}

/** `source`: a database path, or an open handle whose file gets its own connection. */
export function createChangeSignal(source: string | BetterSqlite3.Database, opts: ChangeSignalOptions = {}): ChangeSignal {
  return new ChangeSignal(typeof source === 'string' ? source : source.name, opts);
}

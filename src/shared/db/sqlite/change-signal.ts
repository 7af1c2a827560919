import BetterSqlite3 from 'better-sqlite3';
import { WakeSignal } from '../wake-signal.js';

export interface ChangeSignalOptions {
  /** How often to look; default 50 ms. One tiny pragma read per look. */
  intervalMs?: number;
}

/**
 * Emits 'change' soon after any connection (this process or another) commits to the database.
 *
 * SQLite has no NOTIFY: `PRAGMA data_version` on a dedicated connection changes whenever
 * another connection commits, so polling it is a cheap cross-process commit signal. This is
 * SQLite's side of the wake-up seam (wake-signal.ts). Listeners still re-read what they need:
 * a signal says "something changed", never what.
 */
export class ChangeSignal extends WakeSignal {
  readonly #conn: BetterSqlite3.Database;
  readonly #dataVersion: BetterSqlite3.Statement<[], number>;
  readonly #timer: NodeJS.Timeout;
  #version: number;

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

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#timer);
    this.#conn.close();
    this.removeAllListeners('change');
  }
}

/** `source`: a database path, or an open handle whose file gets its own connection. */
export function createChangeSignal(source: string | BetterSqlite3.Database, opts: ChangeSignalOptions = {}): ChangeSignal {
  return new ChangeSignal(typeof source === 'string' ? source : source.name, opts);
}

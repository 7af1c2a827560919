import type { Logger } from 'pino';

export interface RateLimitedLogOptions {
  /** Lines logged per key in each interval before the rest are counted instead; default 5. */
  burst?: number;
  /** Default 10 s. */
  intervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

type Level = 'warn' | 'error' | 'info';

interface KeyState {
  level: Level;
  windowEnd: number;
  logged: number;
  suppressed: number;
  msg: string;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A warning that input can repeat without bound (a garbled peer's frames, a locked database's
 * retries) logs its first `burst` lines per key and interval; the rest are counted, and one line
 * `{ key, suppressed: N }` at the interval's end says how many were not written.
 */
export class RateLimitedLog {
  private readonly keys = new Map<string, KeyState>();
  private readonly burst: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    opts: RateLimitedLogOptions = {},
  ) {
    this.burst = opts.burst ?? 5;
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  warn(key: string, obj: object, msg: string): void {
    this.write('warn', key, obj, msg);
  }

  error(key: string, obj: object, msg: string): void {
    this.write('error', key, obj, msg);
  }

  /** Log every pending summary now (at shutdown). */
  flush(): void {
    for (const [key, st] of this.keys) this.summarize(key, st);
    this.keys.clear();
  }

  private write(level: Level, key: string, obj: object, msg: string): void {
    const now = this.now();
    let st = this.keys.get(key);
    if (st && now >= st.windowEnd) {
      this.summarize(key, st);
      st = undefined;
    }
    if (!st) {
      st = { level, windowEnd: now + this.intervalMs, logged: 0, suppressed: 0, msg, timer: undefined };
      this.keys.set(key, st);
    }
    if (st.logged < this.burst) {
      st.logged++;
      this.logger[level](obj, msg);
      return;
    }
    st.suppressed++;
    st.msg = msg;
    if (st.timer === undefined) {
      const state = st;
      state.timer = setTimeout(() => {
        this.summarize(key, state);
        if (this.keys.get(key) === state) this.keys.delete(key);
      }, state.windowEnd - now);
      // A pending summary never keeps the process alive.
      state.timer.unref();
    }
  }

  private summarize(key: string, st: KeyState): void {
    clearTimeout(st.timer);
    st.timer = undefined;
    if (st.suppressed === 0) return;
    this.logger[st.level]({ key, suppressed: st.suppressed, intervalMs: this.intervalMs }, `${st.msg} (repeats suppressed)`);
    st.suppressed = 0;
  }
}

import { EventEmitter } from 'node:events';

/**
 * "Something changed in the queue; look again": SQLite's commit counter, PostgreSQL's
 * LISTEN/NOTIFY, MySQL's indexed poll. A signal never says what changed; listeners re-read.
 * 'error' reports trouble the signal recovers from by itself (it keeps trying).
 */
export abstract class WakeSignal extends EventEmitter<{ change: []; error: [Error] }> {
  protected closed = false;
  /** Resolves once the signal watches (a change committed after it is seen). */
  ready: Promise<void> = Promise.resolve();

  /** Resolves at the next change (or when `signal` aborts, or after `timeoutMs`); true = a change. */
  next(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed || opts.signal?.aborted) return resolve(false);
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

  abstract close(): void | Promise<void>;
}

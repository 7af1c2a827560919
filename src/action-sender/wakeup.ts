/**
 * Where the sender loop sleeps: until notified (a commit seen by the change signal, a response,
 * a reconnect, a stop) or a timeout. A notify that comes while the loop is busy is remembered, so
 * no wake-up is ever missed and no polling is needed.
 */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | null = null;

  notify(): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w();
    } else {
      this.pending = true;
    }
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending || timeoutMs <= 0) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

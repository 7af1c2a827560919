/** Sends a backlog may make at once: a twentieth of a second's worth (at least one). */
const BURST_DIVISOR = 20;

/**
 * action_sender.rate_per_second (0 = unlimited), exact over ANY window of `windowMs`: the
 * times of the last N sends are kept, and an (N+1)th waits until the oldest of them is windowMs
 * old. A token bucket with a small burst paces a backlog into an even stream within that: N
 * actions spread over the second, not N at once and then a second of silence.
 */
export class RateLimit {
  /** Send times, oldest at `head`, `count` of them within the window. */
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(
    readonly ratePerSecond: number,
    now: number = Date.now(),
    readonly windowMs = 1000,
  ) {
    const n = ratePerSecond > 0 ? Math.max(1, Math.floor(ratePerSecond)) : 0;
    this.times = new Float64Array(n);
    this.burst = Math.max(1, Math.ceil(ratePerSecond / BURST_DIVISOR));
    this.tokens = this.burst;
    this.last = now;
  }

  private get unlimited(): boolean {
    return this.times.length === 0;
  }

  /** Refills the bucket and forgets sends that left the window. */
  private advance(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
    }
    while (this.count > 0 && this.times[this.head]! + this.windowMs <= now) {
      this.head = (this.head + 1) % this.times.length;
      this.count--;
    }
  }

  /** Sends allowed now (Infinity when unlimited). */
  available(now: number = Date.now()): number {
    if (this.unlimited) return Number.POSITIVE_INFINITY;
    this.advance(now);
    return Math.max(0, Math.min(Math.floor(this.tokens), this.times.length - this.count));
  }

  /** Records n sends made at `now`; call with n ≤ available(now). */
  take(n: number, now: number = Date.now()): void {
    if (this.unlimited) return;
    this.advance(now);
    this.tokens -= n;
    for (let i = 0; i < n; i++) {
      if (this.count === this.times.length) {
        // Over the limit (a caller ignoring available): the oldest is forgotten, not overrun.
        this.head = (this.head + 1) % this.times.length;
        this.count--;
      }
      this.times[(this.head + this.count) % this.times.length] = now;
      this.count++;
    }
  }

  /** Milliseconds until one send is allowed (0 when one is). */
  msUntilNext(now: number = Date.now()): number {
    if (this.unlimited) return 0;
    this.advance(now);
    const bucket = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
    const window = this.count < this.times.length ? 0 : this.times[this.head]! + this.windowMs - now;
    return Math.max(bucket, window);
  }
}

/**
 * Rate limit (action_sender.rate_per_second; 0 = unlimited). The burst is a twentieth of a
 * second's worth, so a backlog leaves in an even stream instead of a second's worth at once.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(
    readonly ratePerSecond: number,
    now: number = Date.now(),
  ) {
    this.burst = Math.max(1, Math.ceil(ratePerSecond / 20));
    this.tokens = this.burst;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
    }
  }

  /** Whole tokens available now (Infinity when unlimited). */
  available(now: number = Date.now()): number {
    if (this.ratePerSecond <= 0) return Number.POSITIVE_INFINITY;
    this.refill(now);
    return Math.floor(this.tokens);
  }

  take(n: number, now: number = Date.now()): void {
    if (this.ratePerSecond <= 0) return;
    this.refill(now);
    this.tokens -= n;
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  msUntilNext(now: number = Date.now()): number {
    if (this.ratePerSecond <= 0) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}

/** Reconnect delays: capped exponential backoff with full jitter (a uniform pick in [0, ceiling]). */
export interface BackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { minDelayMs: 500, maxDelayMs: 30_000 };

/** The ceiling for attempt n (0-based): minDelay·2ⁿ, capped at maxDelay. */
export function backoffCeiling(attempt: number, opts: BackoffOptions): number {
  const exp = opts.minDelayMs * 2 ** Math.min(attempt, 30);
  return Math.max(0, Math.min(opts.maxDelayMs, exp));
}

/**
 * Full jitter spreads the reconnects of many clients after an Asterisk restart instead of
 * having them all knock at the same instant.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  return Math.round(random() * backoffCeiling(attempt, opts));
}

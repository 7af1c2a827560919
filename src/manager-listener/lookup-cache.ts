import type { RowSnapshot } from './call-update.js';

/**
 * Correlation keys the tracker asks the database about:
 * `a:` ActionID, `i:` AMIQ_ID (row id), `u:` Uniqueid, `c:` CallerID name or number.
 */
export type LookupKind = 'a' | 'i' | 'u' | 'c';
export type LookupKey = `${LookupKind}:${string}`;

/**
 * Answers for the event being handled, and misses remembered for a while (bounded) so that the
 * channels of other calls on the PBX cost one read per key, not one per event.
 */
export class LookupCache {
  private readonly found = new Map<LookupKey, RowSnapshot>();
  private readonly misses = new Map<LookupKey, number>();

  constructor(
    private readonly missTtlMs: number,
    private readonly maxMisses: number,
  ) {}

  /** True when the key must be asked (neither answered now nor a fresh miss). */
  needs(key: LookupKey, now: number): boolean {
    if (this.found.has(key)) return false;
    const until = this.misses.get(key);
    if (until === undefined) return true;
    if (until > now) return false;
    this.misses.delete(key);
    return true;
  }

  learn(key: LookupKey, row: RowSnapshot | undefined, now: number): void {
    if (row) {
      this.found.set(key, row);
      return;
    }
    this.misses.delete(key);
    this.misses.set(key, now + this.missTtlMs);
    if (this.misses.size > this.maxMisses) {
      // Map order is insertion order: the first key is the oldest miss.
      const oldest = this.misses.keys().next().value;
      if (oldest !== undefined) this.misses.delete(oldest);
    }
  }

  row(key: LookupKey): RowSnapshot | undefined {
    return this.found.get(key);
  }

  /** Rows found are only good for the event they were asked for: the row moves on after it. */
  endEvent(): void {
    if (this.found.size > 0) this.found.clear();
  }

  get missCount(): number {
    return this.misses.size;
  }
}

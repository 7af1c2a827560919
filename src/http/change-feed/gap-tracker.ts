/**
 * Sequence values are taken in insert order but seen in commit order on PostgreSQL and MySQL: a
 * reader may see seq 11 while 10 is still uncommitted. A change is passed on only once every
 * lower seq was seen, or its hole is known to be for ever (a rolled-back transaction; PostgreSQL
 * may also skip values after a crash): on PostgreSQL once every transaction that was running when
 * the hole was seen has ended (its `horizon`, see shared/db/postgres/transaction-horizon.ts), on
 * any engine once it has been open for `waitMs`. SQLite commits one writer at a time, so a hole
 * there is only ever a deleted entry: its wait is 0.
 */
interface Hole {
  since: number;
  /** The next transaction id when the hole was seen (PostgreSQL). */
  horizon?: number;
}

export class GapTracker {
  readonly #holes = new Map<number, Hole>();

  constructor(readonly waitMs: number) {}

  /**
   * Given the cursor (every seq up to it passed on) and the seqs read after it (ascending), how
   * many of them can be passed on now, in order. `oldestRunning`: the oldest transaction still
   * running (PostgreSQL), read before `seqs`; a hole whose horizon it has passed is for ever.
   */
  passable(cursor: number, seqs: readonly number[], now = Date.now(), oldestRunning?: number): number {
    let expected = cursor + 1;
    let n = 0;
    for (const seq of seqs) {
      if (seq > expected) {
        const hole = this.#holes.get(expected) ?? { since: now };
        this.#holes.set(expected, hole);
        const ended = hole.horizon !== undefined && oldestRunning !== undefined && oldestRunning >= hole.horizon;
        if (!ended && now - hole.since < this.waitMs) break;
      }
      this.#holes.delete(expected);
      expected = seq + 1;
      n++;
    }
    for (const hole of this.#holes.keys()) if (hole < expected) this.#holes.delete(hole);
    return n;
  }

  /** A hole is holding changes back: look again soon rather than at the next wake-up. */
  get waiting(): boolean {
    return this.#holes.size > 0;
  }

  /** Holes seen without a horizon yet. */
  get needHorizon(): boolean {
    for (const h of this.#holes.values()) if (h.horizon === undefined) return true;
    return false;
  }

  /** Gives every hole without one this horizon (read after the hole was seen). */
  setHorizon(horizon: number): void {
    for (const h of this.#holes.values()) h.horizon ??= horizon;
  }
}

/**
 * Sequence values are taken in insert order but seen in commit order on PostgreSQL and MySQL: a
 * reader may see seq 11 while 10 is still uncommitted. A change is passed on only once every
 * lower seq was seen, or its hole has been open for `waitMs` (a rolled-back transaction leaves a
 * hole for ever; PostgreSQL may skip values after a crash). SQLite commits one writer at a time,
 * so a hole there is only ever a deleted entry: its wait is 0.
 */
export class GapTracker {
  readonly #holes = new Map<number, number>();

  constructor(readonly waitMs: number) {}

  /**
   * Given the cursor (every seq up to it passed on) and the seqs read after it (ascending), how
   * many of them can be passed on now, in order.
   */
  passable(cursor: number, seqs: readonly number[], now = Date.now()): number {
    let expected = cursor + 1;
    let n = 0;
    for (const seq of seqs) {
      if (seq > expected) {
        const since = this.#holes.get(expected) ?? now;
        this.#holes.set(expected, since);
        if (now - since < this.waitMs) break;
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
}

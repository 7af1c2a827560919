import type { BuiltEvent } from './events.js';
import type { Rng } from './rng.js';

interface Item {
  ev?: BuiltEvent;
  /** Runs when the item's turn comes (call-ended, once the Hangup is on the wire). */
  then?: () => void;
}

/**
 * Varied event order across calls (burst mode): what the calls raise within `windowMs` is held,
 * then sent as one random interleaving of the lanes (one lane per call), each lane's own order
 * kept. Real Asterisk delivers channel events late, through stasis, but writes OriginateResponse
 * at once from the originate thread: concurrent calls interleave, and an OriginateResponse may
 * overtake its own call's earlier events, even its `;1` Newchannel, though never fall behind the
 * ones raised after it (captures originate-failures-burst, originate-answered-burst).
 */
export class EventMixer {
  private lanes = new Map<string, Item[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rng: Rng,
    private readonly windowMs: number,
    private readonly out: (ev: BuiltEvent) => void,
  ) {}

  /** `early`: the item may overtake what its lane still holds (an OriginateResponse). */
  push(lane: string, item: Item, early = false): void {
    let q = this.lanes.get(lane);
    if (!q) this.lanes.set(lane, (q = []));
    if (early) q.splice(this.rng.below(q.length + 1), 0, item);
    else q.push(item);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Send everything held, as a uniformly drawn interleaving of the lanes. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lanes = [...this.lanes.values()];
    this.lanes = new Map();
    const taken = lanes.map(() => 0);
    let left = lanes.reduce((n, q) => n + q.length, 0);
    while (left > 0) {
      // Weighted by what each lane has left: every interleaving is equally likely.
      let r = this.rng.below(left);
      let i = 0;
      for (; r >= lanes[i]!.length - taken[i]!; i++) r -= lanes[i]!.length - taken[i]!;
      const item = lanes[i]![taken[i]!++]!;
      left--;
      if (item.ev) this.out(item.ev);
      item.then?.();
    }
  }

  /** Drop what is held (simulator closing). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lanes.clear();
  }
}

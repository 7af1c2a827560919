import { e1ChannelNumber } from './channel-name.js';

/** One change to the live channel list, as the call events describe it. */
export type ChannelChange =
  | { kind: 'set'; name: string; state: string | undefined }
  | { kind: 'remove'; name: string }
  | { kind: 'rename'; from: string; to: string; state: string | undefined };

export interface ListedChannel {
  name: string;
  state: string | undefined;
}

/**
 * The E1 channels Asterisk has, kept from call events and replaced by periodic full listings.
 * Only E1 names are kept (a few dozen entries however busy the PBX), so the reply mask is cheap.
 *
 * A listing races the events: some arrive before Asterisk builds the list, some after. Events
 * received while a listing is in flight are journalled and replayed over the listing, so the
 * result is the listing moved forward by every later event, whatever the interleaving.
 */
export class ChannelMap {
  private channels = new Map<string, string | undefined>();
  private journal: ChannelChange[] | null = null;
  private maskCache: { mask: number } | null = null;
  /** When the map was last known to match Asterisk (a listing completed or an event arrived). */
  confirmedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly maskOf: (channels: ReadonlyMap<string, string | undefined>) => number) {}

  apply(change: ChannelChange, now: number): void {
    this.journal?.push(change);
    applyTo(this.channels, change);
    this.maskCache = null;
    this.confirmedAt = now;
  }

  /** Call when the listing action is written; events from now on are replayed over its result. */
  beginListing(): void {
    this.journal = [];
  }

  completeListing(listed: Iterable<ListedChannel>, now: number): void {
    const next = new Map<string, string | undefined>();
    for (const ch of listed) if (e1ChannelNumber(ch.name) !== null) next.set(ch.name, ch.state);
    for (const change of this.journal ?? []) applyTo(next, change);
    this.channels = next;
    this.journal = null;
    this.maskCache = null;
    this.confirmedAt = now;
  }

  abortListing(): void {
    this.journal = null;
  }

  /** The 30-bit channel mask, or 0 when the data is older than `staleMs` (never report stale ups). */
  mask(now: number, staleMs: number): number {
    if (now - this.confirmedAt > staleMs) return 0;
    this.maskCache ??= { mask: this.maskOf(this.channels) };
    return this.maskCache.mask;
  }

  isStale(now: number, staleMs: number): boolean {
    return now - this.confirmedAt > staleMs;
  }

  snapshot(): ListedChannel[] {
    return [...this.channels].map(([name, state]) => ({ name, state }));
  }
}

function applyTo(map: Map<string, string | undefined>, change: ChannelChange): void {
  switch (change.kind) {
    case 'set':
      if (e1ChannelNumber(change.name) !== null) map.set(change.name, change.state);
      return;
    case 'remove':
      map.delete(change.name);
      return;
    case 'rename': {
      // Before 12 a Rename carries no state: the renamed channel keeps the one it had.
      const state = change.state ?? map.get(change.from);
      map.delete(change.from);
      if (e1ChannelNumber(change.to) !== null) map.set(change.to, state);
      return;
    }
  }
}

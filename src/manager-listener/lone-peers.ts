import { firstHalfOf } from './event-fields.js';

/** The Hangup of a `;2` whose `;1` no call had taken yet. */
interface LonePeer {
  cause: [number, string];
  /** The `;2`'s Linkedid: an originated `;1` is its call's first channel, so this is its Uniqueid. */
  linkedid: string | undefined;
  at: number;
}

/**
 * Real causes of Local `;2` halves that hung up before their `;1` was bound (AMI keeps no order
 * between channels), by the `;1` name. The call takes one when that channel binds, if the
 * Linkedid agrees and it is recent: Local names restart at 0 with Asterisk. Bounded; most are
 * other calls of the PBX, or calls whose `;1` already ended.
 */
export class LonePeers {
  private readonly byFirstHalf = new Map<string, LonePeer>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  keep(secondHalf: string, cause: [number, string], linkedid: string | undefined, now: number): void {
    this.byFirstHalf.set(firstHalfOf(secondHalf), { cause, linkedid, at: now });
    if (this.byFirstHalf.size > this.max) {
      // Map order is insertion order: the first key is the oldest.
      const oldest = this.byFirstHalf.keys().next().value;
      if (oldest !== undefined) this.byFirstHalf.delete(oldest);
    }
  }

  /** The cause the `;2` of `firstHalf` (Uniqueid `uid`) left, if any; forgotten once asked. */
  take(firstHalf: string, uid: string, now: number): [number, string] | undefined {
    if (this.byFirstHalf.size === 0) return undefined;
    const lone = this.byFirstHalf.get(firstHalf);
    if (lone === undefined) return undefined;
    this.byFirstHalf.delete(firstHalf);
    return (lone.linkedid === undefined || lone.linkedid === uid) && now - lone.at <= this.ttlMs ? lone.cause : undefined;
  }
}

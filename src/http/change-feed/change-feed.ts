import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { dialectOf, type Database, type Engine, type WakeSignal } from '../../shared/db/index.js';
import { nextTransactionId, oldestRunningTransactionId } from '../../shared/db/postgres/transaction-horizon.js';
import { lastChangeSeq, readChanges } from '../../shared/db/queue/read-changes.js';
import { rowsByIds } from '../../shared/db/queue/rows-by-ids.js';
import { changeEntry, type ChangeEntry } from './change-entry.js';
import { GapTracker } from './gap-tracker.js';

export interface ChangeFeedOptions {
  db: Kysely<Database>;
  /** Wakes the feed when something was committed (SQLite: any commit; server engines: new rows only). */
  changes: WakeSignal | undefined;
  /** Look at least this often, whatever the wake-up signal says. */
  pollMs: number;
  /** How long a hole in the sequence holds later changes back (gap-tracker.ts). */
  gapWaitMs: number;
  logger: Logger;
  /** Newest changes kept in memory for the clients (older ones are read from the database)... */
  ringSize?: number;
  /** ...and about this many bytes of their events (UTF-16 units; rows with large params make large events). */
  ringBytes?: number;
  /** Changes read per statement. */
  batch?: number;
}

const HOLE_RETRY_MS = 20;

/**
 * The one reader of the change log in this process: it reads each change once, with the row's
 * current state, serialises its event once, and keeps the newest in a ring that every
 * /v1/changes client reads at its own pace (sse-client.ts). `cursor`: every change up to it has
 * been read and passed on, in seq order. 'advance' says the cursor moved.
 */
export class ChangeFeed extends EventEmitter<{ advance: [] }> {
  cursor = 0;
  readonly #o: Required<ChangeFeedOptions>;
  readonly #gaps: GapTracker;
  readonly #engine: Engine;
  /** Every change with seq in (#ringFrom, cursor], ascending. */
  #ring: ChangeEntry[] = [];
  #ringTextBytes = 0;
  #ringFrom = 0;
  #started: Promise<void> | undefined;
  #stopped = false;
  #dirty = false;
  #wake: (() => void) | undefined;
  readonly #onChange = (): void => this.#kick();

  constructor(opts: ChangeFeedOptions) {
    super();
    this.setMaxListeners(0);
    this.#o = { ringSize: 10_000, ringBytes: 16 * 1024 * 1024, batch: 500, ...opts };
    this.#gaps = new GapTracker(opts.gapWaitMs);
    this.#engine = dialectOf(opts.db).engine;
  }

  /** Starts reading from the newest change (once); resolves when the cursor is set. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      this.cursor = await lastChangeSeq(this.#o.db);
      this.#ringFrom = this.cursor;
      this.#o.changes?.on('change', this.#onChange);
      void this.#loop();
    })().catch((err: unknown) => {
      // The database did not answer: the next caller tries again.
      this.#started = undefined;
      throw err;
    });
    return this.#started;
  }

  stop(): void {
    this.#stopped = true;
    this.#o.changes?.off('change', this.#onChange);
    this.#kick();
  }

  /** The seq after which memory holds every change (up to the cursor). */
  get ringStart(): number {
    return this.#ringFrom;
  }

  /** The changes after `after` up to the cursor, from memory; undefined when memory no longer reaches back that far. */
  since(after: number): ChangeEntry[] | undefined {
    if (after < this.#ringFrom) return undefined;
    let lo = 0;
    let hi = this.#ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ring[mid]!.seq <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.#ring.slice(lo);
  }

  #kick(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #loop(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      this.#dirty = false;
      let more = false;
      try {
        more = await this.#readOnce();
        failures = 0;
      } catch (err) {
        if (failures++ % 100 === 0) this.#o.logger.warn({ err }, 'change feed: reading the change log failed; trying again');
      }
      if (more || this.#dirty) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#gaps.waiting ? HOLE_RETRY_MS : this.#o.pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Reads and passes on one batch; true when there may be more to read at once. */
  async #readOnce(): Promise<boolean> {
    const { db, batch } = this.#o;
    // PostgreSQL: which holes are for ever, known from the oldest running transaction, read before the changes.
    const pg = this.#engine === 'postgres';
    const oldestRunning = pg && this.#gaps.waiting ? await oldestRunningTransactionId(db) : undefined;
    const read = await readChanges(db, this.cursor, batch);
    const n = this.#gaps.passable(
      this.cursor,
      read.map((c) => c.seq),
      Date.now(),
      oldestRunning,
    );
    if (pg && this.#gaps.needHorizon) this.#gaps.setHorizon(await nextTransactionId(db));
    if (n === 0) return false;
    const passed = read.slice(0, n);
    const rows = await rowsByIds(
      db,
      passed.map((c) => c.queue_id),
    );
    for (const c of passed) {
      const e = changeEntry(c, rows.get(c.queue_id));
      this.#ring.push(e);
      this.#ringTextBytes += e.text.length;
    }
    let drop = Math.max(0, this.#ring.length - this.#o.ringSize);
    let bytes = this.#ringTextBytes;
    for (let i = 0; i < drop; i++) bytes -= this.#ring[i]!.text.length;
    while (drop < this.#ring.length - 1 && bytes > this.#o.ringBytes) bytes -= this.#ring[drop++]!.text.length;
    if (drop > 0) {
      const dropped = this.#ring.splice(0, drop);
      for (const e of dropped) this.#ringTextBytes -= e.text.length;
      this.#ringFrom = dropped.at(-1)!.seq;
    }
    this.cursor = passed.at(-1)!.seq;
    this.emit('advance');
    return read.length === batch && n === read.length;
  }
}

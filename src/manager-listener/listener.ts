import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiMessage } from '../shared/ami/message.js';
import type { Database } from '../shared/db/schema.js';
import { isBusy, LOOP_LOCK_WAIT_MS, writeBatch } from '../shared/db/index.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { isoNow } from '../shared/time.js';
import { mergeUpdate, type CallUpdate, type RowSnapshot } from './call-update.js';
import { CallTracker, type TrackerOptions } from './call-tracker.js';
import type { LookupKey } from './lookup-cache.js';
import { applyCallUpdates } from '../shared/db/queue/apply-call-updates.js';
import { findRowByActionId } from '../shared/db/queue/find-row-by-action-id.js';
import { findRowByCallerid } from '../shared/db/queue/find-row-by-callerid.js';
import { findRowById } from '../shared/db/queue/find-row-by-id.js';
import { findRowByUniqueid } from '../shared/db/queue/find-row-by-uniqueid.js';
import { insertEvents, type EventLogEntry } from '../shared/db/events/insert-events.js';
import { listLiveCalls } from '../shared/db/queue/list-live-calls.js';

export type EventLogMode = 'all' | 'matched' | 'none';

/**
 * Most changes written per transaction. A batch is also written once it is flushMs old: in a
 * storm, batches that lived longer than a young-generation collection had their event log JSON
 * promoted, and the old generation grew 90 MB per 100k events instead of 20 (BENCHMARKS.md).
 */
const DEFAULT_MAX_BATCH = 2000;

/**
 * A batch's longest wait. Every commit rewrites the queue pages of the calls it touches, the
 * same pages again at each commit while many calls are live, so fewer, larger batches write far
 * less: 25 ms absorbed ~20% more events per second than 10 ms, at the same RSS (BENCHMARKS.md),
 * and a row still shows an event within a blink.
 */
const DEFAULT_FLUSH_MS = 25;

/**
 * A flush runs on the event loop that reads AMI, so it waits LOOP_LOCK_WAIT_MS at most for
 * another process's write lock; one that cannot get it keeps its changes and tries again,
 * backing off to RETRY_MAX_MS.
 */
const RETRY_MAX_MS = 500;

/** Event log rows kept while the database cannot be written; the oldest beyond are shed (counted). */
const DEFAULT_MAX_PENDING_LOG = 50_000;

export interface ListenerOptions {
  db: Kysely<Database>;
  server: string;
  eventLog: EventLogMode;
  logger: Logger;
  /** A flush runs this long after the first unwritten change ... */
  flushMs?: number;
  /** ... or as soon as this many changes wait. */
  maxBatch?: number;
  /** Event log rows held while writes fail; beyond it the oldest are shed. Call updates never are. */
  maxPendingLog?: number;
  tracker?: TrackerOptions;
  count?: (name: string, n?: number) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** List of live channels (CoreShowChannels), as the AMI client's sendList gives it. */
export type ListChannels = () => Promise<{ response: AmiMessage; events: AmiMessage[] }>;

/**
 * The listener's engine, AMI-agnostic: events in (in order), row updates and event log rows out,
 * written in short BEGIN IMMEDIATE transactions every few ms or every maxBatch changes.
 */
export class Listener {
  readonly tracker: CallTracker;
  /** Counters since start; flushLongestMs is the longest the event loop waited for one write. */
  readonly stats = {
    events: 0,
    matched: 0,
    lookups: 0,
    lookupMs: 0,
    rowsWritten: 0,
    flushes: 0,
    flushMs: 0,
    flushLongestMs: 0,
    /** Flushes that could not write (lock taken, or an error); their changes were kept. */
    flushesFailed: 0,
    /** Event log rows dropped because writes failed for too long. */
    logShed: 0,
  };
  private log: EventLogEntry[] = [];
  /** Call updates not yet written (a failed flush keeps them), one merged update per row. */
  private unwritten = new Map<number, CallUpdate>();
  /** After a failed flush, none is tried before this time (backoff). */
  private retryAt = 0;
  private retryMs = 0;
  private readonly maxPendingLog: number;
  private readonly warnings: RateLimitedLog;
  private queued = 0;
  /** When the first unwritten change of the batch was queued. */
  private batchStart = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastSweep = 0;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly now: () => number;

  constructor(private readonly opts: ListenerOptions) {
    this.tracker = new CallTracker(opts.tracker);
    this.flushMs = opts.flushMs ?? DEFAULT_FLUSH_MS;
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    this.now = opts.now ?? Date.now;
    this.maxPendingLog = opts.maxPendingLog ?? DEFAULT_MAX_PENDING_LOG;
    this.warnings = new RateLimitedLog(opts.logger, { now: this.now });
  }

  /** Handle one event. Call in arrival order, awaiting each: correlation may read the database. */
  async onEvent(msg: AmiMessage): Promise<void> {
    const now = this.now();
    const ev = this.tracker.read(msg);
    const keys = this.tracker.lookups(ev, now);
    for (const key of keys) {
      const t0 = performance.now();
      const row = await this.lookup(key);
      this.stats.lookupMs += performance.now() - t0;
      this.tracker.learn(key, row, now);
      if (row) break;
    }
    const rowId = this.tracker.handle(ev, now);
    this.stats.events++;
    if (rowId !== undefined) this.stats.matched++;
    if (this.opts.eventLog === 'all' || (this.opts.eventLog === 'matched' && rowId !== undefined)) {
      this.log.push({
        time: this.isoAt(now),
        event: msg.eventName ?? '',
        uniqueid: ev.get('uniqueid') ?? null,
        channel: ev.get('channel') ?? null,
        queue_id: rowId ?? null,
        headers: msg.headersJson(),
      });
      this.queued++;
    }
    if (rowId !== undefined) this.queued++;
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.tracker.sweep(now);
    }
    if (this.queued === 0) return;
    if (this.timer === undefined) {
      this.batchStart = now;
      this.arm(Math.max(this.flushMs, this.retryAt - now));
    }
    // In a storm the timer rarely fires (queued events reach us as resolved promises, never
    // yielding to timers), so the batch's age is checked here too.
    if (now >= this.retryAt && (this.queued >= this.maxBatch || now - this.batchStart >= this.flushMs)) await this.flush();
  }

  /**
   * Before the first event: every row this server's calls left live (an earlier run) goes into
   * memory, so channels need no by-Uniqueid lookup and their events find their rows.
   */
  async loadLive(): Promise<number> {
    const now = this.now();
    const rows = await listLiveCalls(this.opts.db, this.opts.server);
    for (const row of rows) this.tracker.seed(row, now);
    return rows.length;
  }

  /**
   * Write what is pending now (one transaction of at most maxBatch event log rows; a timer writes
   * the rest). Flushes never overlap. Resolves false when the write failed: the changes are kept
   * and retried. `wait`: wait for another process's lock as long as the connection does (at
   * close, when no AMI is read any more).
   */
  flush(wait = false): Promise<boolean> {
    const run = this.flushing.then(() => this.writePending(wait));
    this.flushing = run.then(() => undefined);
    return run;
  }

  /**
   * After a (re)connect: every call this listener or the database thinks is live but whose
   * channel no longer exists ended while nobody listened → ENDED, cause unknown. Calls bound
   * after the listing was asked for are left alone (their channel may postdate the list).
   */
  async resync(listChannels: ListChannels): Promise<{ ended: number; kept: number }> {
    const started = this.now();
    await this.flush();
    const dbLive = await listLiveCalls(this.opts.db, this.opts.server);
    const { response, events } = await listChannels();
    if ((response.get('Response') ?? '').toLowerCase() !== 'success') {
      this.opts.logger.warn({ message: response.get('Message') }, 'manager-listener: CoreShowChannels refused; live calls not checked');
      return { ended: 0, kept: 0 };
    }
    const uids = new Set<string>();
    const names = new Set<string>();
    for (const item of events) {
      const uid = item.get('Uniqueid');
      const name = item.get('Channel');
      if (uid) uids.add(uid);
      if (name) names.add(name);
    }
    const exists = (uid: string | null, name: string | null | undefined): boolean => (uid !== null && uids.has(uid)) || (name != null && names.has(name));
    const now = this.now();
    let ended = 0;
    let kept = 0;
    const tracked = new Set<number>();
    for (const call of this.tracker.liveCalls()) {
      tracked.add(call.rowId);
      if (call.boundAt >= started) continue;
      if (exists(call.uniqueid, call.channel)) kept++;
      else {
        this.tracker.settleGone(call.rowId, now);
        ended++;
      }
    }
    for (const row of dbLive) {
      if (tracked.has(row.id)) continue;
      if (exists(row.uniqueid, row.call_channel)) {
        this.tracker.seed(row, now);
        kept++;
      } else {
        this.tracker.settleGone(row.id, now);
        ended++;
      }
    }
    this.queued += ended;
    await this.flush();
    this.opts.logger.info({ ended, kept, channels: events.length }, 'manager-listener: resynced live calls');
    return { ended, kept };
  }

  /** Stop the timer and write what is left, waiting for the lock as long as the connection does. */
  async close(): Promise<void> {
    while (this.pending() > 0 && (await this.flush(true)));
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.warnings.flush();
    const left = this.pending();
    if (left > 0) this.opts.logger.error({ calls: this.unwritten.size, events: this.log.length }, 'manager-listener: stopped with changes it could not write');
  }

  /** Changes not yet written: rows with call updates, plus event log rows. */
  pending(): number {
    this.absorb();
    return this.unwritten.size + this.log.length;
  }

  /** Moves the tracker's new updates into `unwritten`, merged forward-only with those kept. */
  private absorb(): void {
    for (const u of this.tracker.drain()) {
      const kept = this.unwritten.get(u.id);
      if (kept) mergeUpdate(kept, u);
      else this.unwritten.set(u.id, u);
    }
  }

  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private async writePending(wait: boolean): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.absorb();
    this.queued = 0;
    if (this.unwritten.size === 0 && this.log.length === 0) return true;
    // Bounded transactions: after an outage, a backlog is written a batch at a time, the event
    // loop reading AMI between them.
    const log = this.log.length > this.maxBatch ? this.log.slice(0, this.maxBatch) : this.log;
    const updates = [...this.unwritten.values()];
    const t0 = performance.now();
    let written: number;
    try {
      written = await writeBatch(
        this.opts.db,
        async (trx) => {
          const n = await applyCallUpdates(trx, updates);
          await insertEvents(trx, this.opts.server, log);
          return n;
        },
        wait ? {} : { lockWaitMs: LOOP_LOCK_WAIT_MS },
      );
    } catch (err) {
      this.failed(err, updates.length);
      return false;
    }
    const ms = performance.now() - t0;
    this.unwritten.clear();
    this.log = log === this.log ? [] : this.log.slice(log.length);
    this.retryAt = 0;
    this.retryMs = 0;
    this.stats.flushes++;
    this.stats.flushMs += ms;
    this.stats.flushLongestMs = Math.max(this.stats.flushLongestMs, ms);
    this.stats.rowsWritten += written;
    this.opts.count?.('rows_written', written);
    if (this.log.length > 0) this.arm(0);
    return true;
  }

  /** A flush that did not write: keep everything (shedding the oldest log rows past the bound) and try again later. */
  private failed(err: unknown, calls: number): void {
    this.stats.flushesFailed++;
    const shed = this.log.length - this.maxPendingLog;
    if (shed > 0) {
      this.log = this.log.slice(shed);
      this.stats.logShed += shed;
      this.opts.count?.('event_log_shed', shed);
      this.warnings.warn('shed', { shed, kept: this.log.length }, 'manager-listener: event log rows shed while the database could not be written');
    }
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs === 0 ? this.flushMs : this.retryMs * 2);
    this.retryAt = this.now() + this.retryMs;
    const busy = isBusy(err);
    this.warnings.warn(
      busy ? 'busy' : 'error',
      { err, calls, events: this.log.length, retryMs: this.retryMs },
      busy ? 'manager-listener: database locked; changes kept, retrying' : 'manager-listener: flush failed; changes kept, retrying',
    );
    this.arm(this.retryMs);
  }

  private lastIso: [number, string] = [0, isoNow(0)];

  /** isoNow, computed once per millisecond (a burst logs many events in one). */
  private isoAt(now: number): string {
    if (this.lastIso[0] !== now) this.lastIso = [now, isoNow(now)];
    return this.lastIso[1];
  }

  private async lookup(key: LookupKey): Promise<RowSnapshot | undefined> {
    this.stats.lookups++;
    const { db, server } = this.opts;
    const value = key.slice(2);
    switch (key[0]) {
      case 'a':
        return findRowByActionId(db, server, value);
      case 'i': {
        const id = Number(value);
        return Number.isSafeInteger(id) && id > 0 ? findRowById(db, server, id) : undefined;
      }
      case 'u':
        return findRowByUniqueid(db, server, value);
      default:
        return findRowByCallerid(db, server, value);
    }
  }
}

import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { isBusy, withBusyTimeout, LOOP_LOCK_WAIT_MS } from '../shared/db/index.js';
import { insertMissingNew } from '../shared/db/queue/insert-missing-new.js';
import { updateNewByTags } from '../shared/db/queue/update-new-by-tags.js';
import { copyLatestAsNew } from '../shared/db/queue/copy-latest-as-new.js';
import { recentSentByTag } from '../shared/db/queue/recent-sent-by-tag.js';
import type { Database } from '../shared/db/schema.js';
import type { RowParams } from '../shared/queue/index.js';
import { relayRowOf, valueOfParams, type RelayRow } from './relay-rows.js';
import type { StateChange } from './state-change.js';

export interface RelayWriterOptions {
  db: Kysely<Database>;
  /** The server whose states this relay hears. */
  server: string;
  /** The other servers of the group: each gets every relayed state. */
  targets: readonly string[];
  priority: number;
  expireSeconds: number;
  logger: Logger;
  count(name: string, n?: number): void;
  setError(err: unknown): void;
  /** A presence this server reports within this long of the relay writing it there is its echo. */
  echoWindowMs?: number;
  /** Pause after a failed write before trying again. */
  retryMs?: number;
  /** Rows per write (its two statements). */
  batchSize?: number;
  /**
   * Pause before each write: changes arriving meanwhile join it, and another writer of the same
   * SQLite file (the sender recording outcomes) finds the lock free between two.
   */
  gatherMs?: number;
}

interface Pending {
  server: string;
  tag: string;
  params: RowParams;
}

/** How many of a tag's latest sent rows an echo is looked for in (a flapping presence leaves a few). */
const ECHO_ROWS = 4;

/**
 * Turns the states one server reports into queue rows for the other servers, coalescing twice:
 * in memory (a state superseded before it was written is never written) and in the queue (a
 * NEW row of the same (server, tag) takes the newer params: updateNewByTags, then
 * insertMissingNew for the rest). Writes run one at a time, in the background; a failed write
 * keeps its rows (unless a newer state replaced them meanwhile) and is retried.
 */
export class RelayWriter {
  readonly #o: Required<RelayWriterOptions>;
  /** The last value relayed per tag: a repeated report of the same state writes nothing. */
  readonly #lastSeen = new Map<string, string>();
  /** target \0 tag → the newest row to write. Map order is arrival order. */
  readonly #pending = new Map<string, Pending>();
  /** Presences to check for an echo before relaying, by tag (the newest wins). */
  readonly #presence = new Map<string, RelayRow>();
  /** Rows to queue again into this relay's own server (copyLatestAsNew). */
  readonly #copies: number[] = [];
  #running: Promise<void> | null = null;
  #closed = false;
  #idle: Array<() => void> = [];

  constructor(opts: RelayWriterOptions) {
    this.#o = { echoWindowMs: 60_000, retryMs: 250, batchSize: 500, gatherMs: 2, ...opts };
  }

  /** A state this server reported (an event, or an item of a list). */
  offer(c: StateChange): void {
    const row = relayRowOf(c);
    if (this.#lastSeen.get(row.tag) === row.value) return this.#o.count('unchanged');
    this.#lastSeen.set(row.tag, row.value);
    // A device is never an echo (the relay writes only Custom: devices, which are never relayed);
    // a CustomPresence provider has the same name everywhere, so the queue says whether we wrote it.
    if (c.kind === 'presence') this.#presence.set(row.tag, row);
    else this.#toTargets(row);
    this.#kick();
  }

  /** Rows holding the states the others last relayed into this relay's own server, to queue again (after it came back). */
  resend(ids: readonly number[]): void {
    this.#copies.push(...ids);
    if (ids.length > 0) this.#kick();
  }

  /** After a reconnect: the next report of every state is relayed, whatever was relayed before. */
  forget(): void {
    this.#lastSeen.clear();
  }

  /** Rows waiting to be written. */
  get backlog(): number {
    return this.#pending.size + this.#presence.size + this.#copies.length;
  }

  /** Resolves once everything offered so far is written (or the writer is closed). */
  idle(): Promise<void> {
    if (this.#running === null) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops after the write in progress; what is still pending is dropped (a restart lists the states again). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
  }

  #toTargets(row: RelayRow): void {
    for (const server of this.#o.targets) {
      const key = `${server}\u0000${row.tag}`;
      // Delete first: a superseded entry moves to the end, so an often-changing device cannot starve the others.
      this.#pending.delete(key);
      this.#pending.set(key, { server, tag: row.tag, params: row.params });
    }
  }

  #kick(): void {
    if (this.#running !== null || this.#closed) return;
    this.#running = this.#run().finally(() => {
      this.#running = null;
      for (const resolve of this.#idle.splice(0)) resolve();
    });
  }

  async #run(): Promise<void> {
    while (!this.#closed && this.backlog > 0) {
      await new Promise((r) => setTimeout(r, this.#o.gatherMs));
      try {
        await this.#checkPresence();
        await this.#writeBatch();
      } catch (err) {
        if (isBusy(err)) this.#o.count('busy');
        else {
          this.#o.setError(err);
          this.#o.logger.warn({ err }, 'device relay: writing rows failed; retrying');
        }
        await new Promise((r) => setTimeout(r, isBusy(err) ? 1 : this.#o.retryMs));
      }
    }
  }

  async #checkPresence(): Promise<void> {
    for (const [tag, row] of this.#presence) {
      if (await this.#isEcho(row)) this.#o.count('echoes');
      else this.#toTargets(row);
      // Only now: a newer state offered during the lookup replaced the entry and is checked next.
      if (this.#presence.get(tag) === row) this.#presence.delete(tag);
    }
  }

  /** The relay sent this very value to this server lately: the server is only telling it back. */
  async #isEcho(row: RelayRow): Promise<boolean> {
    const since = Date.now() - this.#o.echoWindowMs;
    const sent = await recentSentByTag(this.#o.db, this.#o.server, row.tag, ECHO_ROWS);
    return sent.some((s) => valueOfParams(s.params) === row.value && (s.sent_at === null || Date.parse(s.sent_at) >= since));
  }

  async #writeBatch(): Promise<void> {
    if (this.#copies.length > 0) return this.#writeCopies();
    const batch: Array<[string, Pending]> = [];
    for (const entry of this.#pending) {
      batch.push(entry);
      if (batch.length >= this.#o.batchSize) break;
    }
    if (batch.length === 0) return;
    for (const [key] of batch) this.#pending.delete(key);
    const expiresAt = new Date(Date.now() + this.#o.expireSeconds * 1000).toISOString();
    const states = batch.map(([, p]) => ({ server: p.server, tag: p.tag, params: JSON.stringify(p.params), expires_at: expiresAt }));
    try {
      // Two statements per batch whatever its size, the pending rows first, then the others; each
      // on its own (no transaction holding the first's locks while the sender claims).
      const [updated, inserted] = await withBusyTimeout(this.#o.db, LOOP_LOCK_WAIT_MS, async (conn) => {
        const u = await updateNewByTags(conn, states);
        return [u, await insertMissingNew(conn, 'SetVar', this.#o.priority, states)] as const;
      });
      this.#o.count('coalesced', updated);
      this.#o.count('queued', inserted);
    } catch (err) {
      // Back in front, unless a newer state for the same key arrived meanwhile.
      const newer = new Map(this.#pending);
      this.#pending.clear();
      for (const [key, p] of batch) if (!newer.has(key)) this.#pending.set(key, p);
      for (const [key, p] of newer) this.#pending.set(key, p);
      throw err;
    }
  }

  async #writeCopies(): Promise<void> {
    const ids = this.#copies.slice(0, this.#o.batchSize);
    const expiresAt = new Date(Date.now() + this.#o.expireSeconds * 1000).toISOString();
    const copied = await withBusyTimeout(this.#o.db, LOOP_LOCK_WAIT_MS, async (conn) => {
      let n = 0;
      for (const id of ids) if (await copyLatestAsNew(conn, { id, expires_at: expiresAt })) n++;
      return n;
    });
    this.#copies.splice(0, ids.length);
    this.#o.count('resent', copied);
  }
}

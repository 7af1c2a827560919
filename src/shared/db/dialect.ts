import type { Expression, ExpressionBuilder, InsertQueryBuilder, InsertResult, Kysely, RawBuilder, SqlBool, UpdateObject } from 'kysely';
import type { Database, QueueRow } from './schema.js';

export type Engine = 'sqlite' | 'postgres' | 'mysql';

/** The type of a column of `records`: whole numbers, text, or a time (amiq's ISO text). */
export type RecordType = 'int' | 'text' | 'time';

/** A filter on manager_queue rows, usable in a SELECT and an UPDATE alike. */
export type QueueFilter = (eb: ExpressionBuilder<Database, 'manager_queue'>) => Expression<SqlBool>;

/**
 * What differs between the engines amiq runs on, as kysely keeps its own dialects: one
 * implementation per engine (sqlite/, postgres/, mysql/ beside this file). Statements live with
 * their table (queue/, worker/) and ask `dialectOf(db)` only for these pieces, so no statement
 * holds SQL of one engine.
 */
export interface AmiqDialect {
  readonly engine: Engine;

  /** The instant a time column names, in epoch ms; NULL when NULL (or, on SQLite, not a time). */
  instantMs(column: string): RawBuilder<number | null>;
  /** The later of two non-NULL instants in ms. */
  laterMs(a: RawBuilder<number | null>, b: RawBuilder<number | null>): RawBuilder<number | null>;
  /** The column holds something that names no instant (only SQLite's text columns can). */
  timeUnreadable(column: string): RawBuilder<boolean>;
  /** A time column as text, for messages: as written on SQLite, ISO-8601 UTC elsewhere. */
  timeText(column: string): RawBuilder<string>;
  /** Text concatenation (MySQL's `||` is OR). */
  concat(...parts: Expression<unknown>[]): RawBuilder<string>;

  /**
   * THE claim: moves the NEW rows `candidates` picks (ids, in claim order, at most its limit) to
   * SENDING and returns them, in one statement or one short transaction. Rows another claimer
   * holds are skipped (SKIP LOCKED), never waited for, never taken twice.
   */
  claim(db: Kysely<Database>, filter: QueueFilter, limit: number): Promise<QueueRow[]>;
  /** UPDATE manager_queue SET `set` WHERE `filter`, returning the ids it changed. */
  updateReturningIds(db: Kysely<Database>, filter: QueueFilter, set: UpdateObject<Database, 'manager_queue'>): Promise<number[]>;
  /** Runs an INSERT of one row and returns its generated id. */
  insertId(query: InsertQueryBuilder<Database, any, InsertResult>): Promise<number>;
  /** INSERT, or UPDATE `set` when a row with the same `key` columns exists. */
  upsert<T extends keyof Database & string>(
    db: Kysely<Database>,
    table: T,
    values: Record<string, unknown>,
    key: readonly string[],
    set: Record<string, unknown>,
  ): Promise<void>;
  /**
   * Compare-and-swap of one row: INSERT `values`; when a row with the same `key` exists, UPDATE it
   * to `set` only if `onlyIf` holds for it (with no `set`, leave it). True = a row was written.
   */
  insertOrUpdateIf<T extends keyof Database & string>(
    db: Kysely<Database>,
    table: T,
    values: Record<string, unknown>,
    key: readonly string[],
    change?: { set: Record<string, unknown>; onlyIf: (eb: ExpressionBuilder<Database, T>) => Expression<SqlBool> },
  ): Promise<boolean>;
  /**
   * A read-then-write transaction that no other writer of the same `lockKey` interleaves with,
   * even when the row read does not exist yet (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
   * transaction lock; MySQL: a named lock). Already inside a transaction, `fn` runs in it.
   */
  writeTransaction<T>(db: Kysely<Database>, lockKey: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection whose statements wait at most `ms` for another writer's lock
   * (SQLite: busy_timeout; PostgreSQL: lock_timeout; MySQL: innodb_lock_wait_timeout, whole
   * seconds) and then fail with an error `isBusy` recognises.
   */
  withLockWait<T>(db: Kysely<Database>, ms: number, fn: (conn: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * One transaction whose statements wait at most `ms` for another writer's lock, as
   * withLockWait around a transaction, in the fewest round trips: PostgreSQL sets lock_timeout
   * inside the transaction (SET LOCAL: no statement to set it before nor to reset it after);
   * SQLite keeps a deferred BEGIN under a short busy timeout.
   */
  transactionWithLockWait<T>(db: Kysely<Database>, ms: number, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * One write transaction (SQLite: BEGIN IMMEDIATE, the write lock taken first). With
   * `lockWaitMs`, a lock held by another writer is waited for that long at most.
   */
  writeBatch<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>, lockWaitMs?: number): Promise<T>;

  /** The n-th (0-based) bound parameter's marker in raw SQL text. */
  placeholder(n: number): string;
  /** A time (amiq's ISO text) as this engine takes it bound in raw SQL. */
  bindTime(iso: string | null): unknown;
  /**
   * `rows` as a derived table named `alias` with the typed `columns` (every row's own keys),
   * sent as one JSON parameter: a batch of many rows in one statement.
   */
  records(rows: readonly Record<string, unknown>[], alias: string, columns: Readonly<Record<string, RecordType>>): RawBuilder<unknown>;
  /**
   * UPDATE `table` SET `set` from the derived table `from`, joined `on`, WHERE `where`; returns
   * the rows changed. On MySQL the assignments may see each other's new values
   * (`seesEarlierAssignments`): a statement whose SET reads a column it also sets must read the
   * old values from `from`.
   */
  updateFrom(
    db: Kysely<Database>,
    table: string,
    from: RawBuilder<unknown>,
    on: RawBuilder<unknown>,
    set: RawBuilder<unknown>,
    where: RawBuilder<unknown>,
  ): Promise<number>;
  readonly seesEarlierAssignments: boolean;
  /** The SELECT locking the rows it reads until the transaction ends (SQLite: the write lock already covers them). */
  forUpdate<QB extends { forUpdate(): QB }>(qb: QB): QB;
}

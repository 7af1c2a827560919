import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, WorkerRow } from '../shared/db/schema.js';
import { readWorker } from '../shared/worker/read-worker.js';

export const CLEANER_WORKER = 'meetme-cleaner';

export interface CleanerStatusOptions {
  db: Kysely<Database>;
  server: string;
  beatSeconds: number;
  /** core's isAlive, so bit 63 and `amiq keepalive` agree on what alive means. */
  isAlive: (row: WorkerRow, now: number, beatSeconds: number) => boolean;
  logger: Logger;
  /** How often the workers table is read; requests only read the cached answer. */
  refreshMs?: number;
}

/**
 * Bit 63: is this server's meetme-cleaner alive? Read from the workers table on a timer (every
 * ~1 s), never per request, so a UDP flood costs the database nothing. A failed read keeps the
 * last answer and is logged once until reads work again.
 */
export class CleanerStatus {
  private row: WorkerRow | undefined;
  private isAlive = false;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private reading: Promise<void> | null = null;

  constructor(private readonly opts: CleanerStatusOptions) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs ?? 1000);
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.reading ?? Promise.resolve();
  }

  /** The answer of the last refresh (at most ~1 s old). */
  alive(): boolean {
    return this.isAlive;
  }

  /** One read of the workers row; overlapping calls share it. */
  refresh(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    try {
      this.row = await readWorker(this.opts.db, this.opts.server, CLEANER_WORKER);
      if (this.failing) this.opts.logger.info('heartbeat: workers table readable again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.opts.logger.warn({ err: (err as Error).message }, 'heartbeat: reading the meetme-cleaner beat failed');
      this.failing = true;
    }
    // Recomputed even when the read failed: a beat that stops ageing would keep bit 63 up forever.
    this.isAlive = this.row !== undefined && this.opts.isAlive(this.row, Date.now(), this.opts.beatSeconds);
  }
}

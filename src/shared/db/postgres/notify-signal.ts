import pg from 'pg';
import { WakeSignal } from '../wake-signal.js';

/** The channel the manager_queue trigger notifies (migrations/postgres); payload: the row's server. */
export const QUEUE_CHANNEL = 'amiq_queue';

export interface NotifySignalOptions {
  /** Only notifications for this server wake (default: any). */
  server?: string;
  /** First reconnect delay after the listening connection drops; doubles up to 5 s. */
  reconnectMinMs?: number;
}

/**
 * PostgreSQL's side of the wake-up seam: a dedicated connection LISTENs on amiq_queue, which a
 * trigger NOTIFYs on every manager_queue row that is (again) NEW, so a row any client inserts, in
 * any language, wakes the sender within milliseconds. A dropped connection (server restart,
 * pg_terminate_backend) is reopened with backoff; after each reconnect 'change' is emitted once,
 * since notifications sent meanwhile are lost and the listener must look for itself.
 */
export class NotifySignal extends WakeSignal {
  readonly #config: pg.ClientConfig;
  readonly #opts: NotifySignalOptions;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #delayMs: number;

  constructor(config: pg.ClientConfig, opts: NotifySignalOptions = {}) {
    super();
    this.#config = config;
    this.#opts = opts;
    this.#delayMs = opts.reconnectMinMs ?? 100;
    // Resolves once the first LISTEN is in place (or failed: then the retries go on).
    this.ready = this.#connect(false);
  }

  async #connect(reconnecting: boolean): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.#config);
    client.on('notification', (n) => {
      if (this.#opts.server === undefined || n.payload === this.#opts.server) this.emit('change');
    });
    client.on('error', (err) => this.#dropped(client, err));
    client.on('end', () => this.#dropped(client, new Error('LISTEN connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${QUEUE_CHANNEL}`);
    } catch (err) {
      this.#dropped(client, err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#delayMs = this.#opts.reconnectMinMs ?? 100;
    if (reconnecting) this.emit('change');
  }

  #dropped(client: pg.Client, err: Error): void {
    if (this.closed || (this.#client !== undefined && this.#client !== client)) return;
    if (this.#retry !== undefined) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect(true);
    }, this.#delayMs);
    this.#retry.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, 5000);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.removeAllListeners('change');
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}

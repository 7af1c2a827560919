import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiqConfig } from '../shared/config/index.js';
import type { AmiqDatabase, Database } from '../shared/db/index.js';
import type { WorkerContext } from '../shared/worker/index.js';
import { buildHttpServer, type BuildHttpServerOptions } from './server.js';

export { buildHttpServer, type BuildHttpServerOptions } from './server.js';
export type { AmiqRoutePlugin, HttpDeps } from './deps.js';
export { hashToken, mintToken, TokenTable } from './auth/tokens.js';
export { allowsAction, allowsServer, type TokenScope } from './auth/scope.js';
export { HttpError } from './errors.js';

export interface RunHttpOptions extends BuildHttpServerOptions {
  config: AmiqConfig;
  db: Kysely<Database>;
  database: Pick<AmiqDatabase, 'sqlite' | 'wakeSignal'>;
  logger: Logger;
  signal: AbortSignal;
  ctx: Pick<WorkerContext, 'setAmiState' | 'count'>;
  /** Overrides `[http] port` (tests listen on 0). */
  port?: number;
  onListening?: (address: AddressInfo, url: string) => void;
}

/** `amiq run http`: serves the API until `signal` aborts, then closes (in-flight requests finish, long polls end). */
export async function runHttp(opts: RunHttpOptions): Promise<void> {
  const { config, logger, ctx } = opts;
  ctx.setAmiState('n/a');
  if (config.http.tokens.length === 0) logger.warn('no [[http.tokens]] configured: every request but /health is refused (amiq token create)');
  const inMemory = opts.database.sqlite?.name === ':memory:';
  // SQLite: every waiter re-reads its row at each commit seen; 20 ms bounds that to 50 looks a second.
  const changes = inMemory ? undefined : opts.database.wakeSignal({ intervalMs: 20 });
  // One listener per parked long poll (and stream): hundreds are normal, not a leak.
  changes?.setMaxListeners(0);
  changes?.on('error', (err) => logger.warn({ err }, 'wake-up signal lost; reconnecting'));
  const onResponse = (status: number): void => {
    ctx.count('requests');
    if (status >= 400) ctx.count(`http_${status}`);
  };
  const app = await buildHttpServer({ config, db: opts.db, logger, changes, closing: opts.signal }, { ...opts, onResponse });
  try {
    await app.listen({ host: config.http.bind, port: opts.port ?? config.http.port });
    const address = app.server.address() as AddressInfo;
    const scheme = config.http.tls_cert === '' ? 'http' : 'https';
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `${scheme}://${host}:${address.port}`;
    logger.info({ url, tokens: config.http.tokens.length }, 'http: listening');
    opts.onListening?.(address, url);
    if (!opts.signal.aborted) await new Promise((resolve) => opts.signal.addEventListener('abort', resolve, { once: true }));
  } finally {
    await app.close();
    await changes?.close();
  }
}

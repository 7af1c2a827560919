import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AmiqConfig } from '../shared/config/index.js';
import type { Database, WakeSignal } from '../shared/db/index.js';

/**
 * What every route plugin is given (its plugin options): the database, the config, a logger and,
 * when the engine has one, the shared wake-up signal. The caller's token scope is on the
 * request: `request.scope` (auth/scope.ts), set by the auth hook before any handler runs.
 *
 * A route group is `export const myRoutes: AmiqRoutePlugin = async (app, deps) => { app.get(...) }`
 * in its own file under routes/, listed in routes/index.ts. Give each route a JSON schema
 * (querystring/params/body/response, `tags`): the OpenAPI document is generated from them.
 * `config: { public: true }` on a route skips the token check and the rate limit (only /health).
 */
export interface HttpDeps {
  config: AmiqConfig;
  db: Kysely<Database>;
  logger: Logger;
  /**
   * "Something changed; look again" (SQLite: any commit; PostgreSQL/MySQL: a new NEW row only).
   * Undefined for an in-memory database: readers poll.
   */
  changes: WakeSignal | undefined;
  /** Aborted when the server closes: a long poll or a stream ends now instead of holding the drain. */
  closing: AbortSignal;
}

export type AmiqRoutePlugin = FastifyPluginAsync<HttpDeps>;

import type { HttpDeps } from '../deps.js';
import { dialectOf } from '../../shared/db/index.js';
import { ChangeFeed } from './change-feed.js';

const feeds = new WeakMap<HttpDeps['db'], ChangeFeed>();

/**
 * The process's one change feed for this database, shared by /v1/changes and /metrics (route
 * plugins are encapsulated, so it is found by the database handle rather than decorated).
 */
export function sharedFeed(deps: Pick<HttpDeps, 'db' | 'changes' | 'logger'>, gapWaitMs = 5000): ChangeFeed {
  let feed = feeds.get(deps.db);
  if (feed === undefined) {
    const engine = dialectOf(deps.db).engine;
    feed = new ChangeFeed({
      db: deps.db,
      changes: deps.changes,
      // SQLite's signal sees every commit; the server engines' signals only new rows, so they also poll.
      pollMs: engine === 'sqlite' && deps.changes !== undefined ? 1000 : 50,
      gapWaitMs: engine === 'sqlite' ? 0 : gapWaitMs,
      logger: deps.logger,
    });
    feeds.set(deps.db, feed);
  }
  return feed;
}

/** Stops the shared feed (the server closing); a later server on the same handle gets a new one. */
export function stopSharedFeed(db: HttpDeps['db']): void {
  feeds.get(db)?.stop();
  feeds.delete(db);
}

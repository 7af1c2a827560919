import type { Compilable, CompiledQuery } from 'kysely';
import type { QueueDb } from '../../queue/types.js';

// Stand-ins no real server name or key can equal, swapped for the real values at each run.
const SERVER = '\u0000amiq-server\u0000';
const KEY = '\u0000amiq-key\u0000';

/**
 * A lookup whose query is built and compiled once per database handle: each run only swaps
 * the server and key into the parameters and executes (the statement cache then reuses the
 * prepared statement). The query builder and compiler cost several times SQLite's own indexed
 * lookup, and the listener looks up on the event path.
 */
export function compiledLookup<R, K extends string | number>(
  build: (db: QueueDb, server: string, key: K) => Compilable<R>,
): (db: QueueDb, server: string, key: K) => Promise<R | undefined> {
  const compiled = new WeakMap<QueueDb, CompiledQuery<R>>();
  return async (db, server, key) => {
    let q = compiled.get(db);
    if (q === undefined) {
      q = build(db, SERVER, KEY as K).compile();
      compiled.set(db, q);
    }
    const parameters = q.parameters.map((p) => (p === SERVER ? server : p === KEY ? key : p));
    return (await db.executeQuery<R>({ ...q, parameters })).rows[0];
  };
}

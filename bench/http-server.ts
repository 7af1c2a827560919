/**
 * The http worker alone in its own process, for the HTTP benchmark (bench/http.ts):
 *   AMIQ_HTTP_CONFIG='{"database":{"path":"..."},"http":{"tokens":[...]}}' node dist/bench/http-server.js
 * Prints its port once listening; SIGTERM stops it.
 */
import { pino } from 'pino';
import { runHttp } from '../src/http/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import { migrateToLatest, openDatabase, shareCheckpointer } from '../src/shared/db/index.js';

const config = parseConfig(JSON.parse(process.env.AMIQ_HTTP_CONFIG ?? '{}'));
const logger = pino({ level: 'warn' }, pino.destination(2));
const database = await openDatabase({ path: config.database.path });
await migrateToLatest(database.db);
// As `amiq run http` runs it (src/cli/worker-launchers.ts): checkpoints on their own thread.
const checkpointer = shareCheckpointer(database.sqlite!);
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
await runHttp({
  config,
  db: database.db,
  database,
  logger,
  signal: stop.signal,
  port: 0,
  ctx: { setAmiState: () => undefined, count: () => undefined },
  onListening: (address) => process.stdout.write(`${address.port}\n`),
});
await checkpointer.close();
await database.close();

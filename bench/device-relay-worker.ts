/**
 * The device relay alone in its own process, for the device-relay benchmark:
 *   AMIQ_RELAY_CONFIG='{"server":{"name":"a"},"ami":{"port":5038},"device_relay":{"servers":["a","b"]},...}' node dist/bench/device-relay-worker.js
 * Prints `converged` once it has listed its server's states; SIGTERM stops it.
 */
import { pino } from 'pino';
import { runDeviceRelay } from '../src/device-relay/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import { openSqlite, startCheckpointer } from '../src/shared/db/index.js';

async function main(): Promise<void> {
  const config = parseConfig(JSON.parse(process.env.AMIQ_RELAY_CONFIG ?? '{}'));
  const logger = pino({ level: config.log.level }, pino.destination(2));
  const handle = openSqlite(config.database.path);
  // As `amiq run device-relay` on SQLite: checkpoints in a thread, not in the relay's commits.
  const checkpointer = startCheckpointer(handle.sqlite, { logger });
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const counters: Record<string, number> = {};
  await runDeviceRelay({
    config,
    db: handle.db,
    logger,
    signal: stop.signal,
    onConverged: () => process.stdout.write('converged\n'),
    ctx: {
      setAmiState: () => undefined,
      setCounter: () => undefined,
      count: (name, n = 1) => (counters[name] = (counters[name] ?? 0) + n),
      setError: (err) => logger.warn({ err }, 'relay error'),
    },
  });
  process.stdout.write(`${JSON.stringify({ stopped: true, counters })}\n`);
  await checkpointer.close();
  await handle.close();
}

await main();

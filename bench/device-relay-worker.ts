/**
 * One worker of the device-relay benchmark in its own process, as `amiq run` would run it:
 *   AMIQ_BENCH_CONFIG='{"server":{"name":"a"},"ami":{"port":5038},...}' node dist/bench/device-relay-worker.js relay|sender
 * The database is the config's (`database.url`, else the SQLite `database.path`). Prints `ready`
 * once the relay has listed its server's states, or the sender is connected; SIGTERM stops it.
 */
import { pino } from 'pino';
import { runActionSender } from '../src/action-sender/index.js';
import { runDeviceRelay } from '../src/device-relay/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import { openDatabase } from '../src/shared/db/index.js';

async function main(): Promise<void> {
  const role = process.argv[2];
  const config = parseConfig(JSON.parse(process.env.AMIQ_BENCH_CONFIG ?? '{}'));
  const logger = pino({ level: config.log.level }, pino.destination(2));
  const database = await openDatabase({ url: config.database.url || undefined, path: config.database.path, pollIntervalMs: config.database.poll_interval_ms });
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const ready = () => process.stdout.write('ready\n');
  const ctx = {
    setAmiState: (s: string) => role === 'sender' && s === 'connected' && ready(),
    setCounter: () => undefined,
    count: () => undefined,
    setError: (err: unknown) => logger.warn({ err }, `${role} error`),
  };
  if (role === 'relay') {
    await runDeviceRelay({ config, db: database.db, logger, signal: stop.signal, onConverged: ready, ctx });
  } else {
    const changes = database.wakeSignal({ server: config.server.name, intervalMs: 2 });
    await runActionSender({ config, db: database.db, logger, signal: stop.signal, changes, ctx });
    await changes.close();
  }
  await database.close();
}

await main();

/**
 * The action-sender alone in its own process, for the queue benchmarks and the crash tests:
 *   AMIQ_SENDER_CONFIG='{"ami":{"port":5038,...},"database":{"path":"..."}}' node dist/bench/queue-sender.js
 * `database.url` instead of `path` runs it on PostgreSQL or MySQL/MariaDB, woken as
 * `amiq run action-sender` is (NOTIFY, or the poll every `database.poll_interval_ms`).
 * SIGTERM stops it cleanly (printing its counters and CPU time); SIGKILL is what the crash test sends.
 */
import { pino } from 'pino';
import { runActionSender } from '../src/action-sender/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import { migrateToLatest, openDatabase } from '../src/shared/db/index.js';

async function main(): Promise<void> {
  const config = parseConfig(JSON.parse(process.env.AMIQ_SENDER_CONFIG ?? '{}'));
  const logger = pino({ level: config.log.level }, pino.destination(2));
  const handle = await openDatabase({ url: config.database.url, path: config.database.path, pollIntervalMs: config.database.poll_interval_ms });
  await migrateToLatest(handle.db);
  const changes = handle.wakeSignal({ server: config.server.name, intervalMs: 2 });
  await changes.ready;
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const counters: Record<string, number> = {};
  await runActionSender({
    config,
    db: handle.db,
    logger,
    signal: stop.signal,
    changes,
    ctx: {
      setAmiState: (s) => {
        if (s === 'connected') process.stdout.write('connected\n');
      },
      count: (name, n = 1) => (counters[name] = (counters[name] ?? 0) + n),
      setError: (err) => logger.warn({ err }, 'sender error'),
    },
  });
  await changes.close();
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ stopped: true, counters, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  await handle.close();
}

await main();

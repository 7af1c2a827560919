/**
 * The action-sender alone in its own process, for the queue benchmark and the crash tests:
 *   AMIQ_SENDER_CONFIG='{"ami":{"port":5038,...},"database":{"path":"..."}}' node dist/bench/queue-sender.js
 * SIGTERM stops it cleanly; SIGKILL is what the crash test sends.
 */
import { pino } from 'pino';
import { runActionSender } from '../src/action-sender/index.js';
import { parseConfig } from '../src/shared/config/index.js';
import { createChangeSignal, migrateToLatest, openSqlite } from '../src/shared/db/index.js';

async function main(): Promise<void> {
  const config = parseConfig(JSON.parse(process.env.AMIQ_SENDER_CONFIG ?? '{}'));
  const logger = pino({ level: config.log.level }, pino.destination(2));
  const handle = openSqlite(config.database.path);
  await migrateToLatest(handle.db);
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const counters: Record<string, number> = {};
  await runActionSender({
    config,
    db: handle.db,
    logger,
    signal: stop.signal,
    changes: createChangeSignal(handle.sqlite, { intervalMs: 2 }),
    ctx: {
      setAmiState: (s) => {
        if (s === 'connected') process.stdout.write('connected\n');
      },
      count: (name, n = 1) => (counters[name] = (counters[name] ?? 0) + n),
      setError: (err) => logger.warn({ err }, 'sender error'),
    },
  });
  process.stdout.write(`${JSON.stringify({ stopped: true, counters })}\n`);
  await handle.close();
}

await main();

// A trivial supervised worker for core tests (spawned as a real process):
//   node test/core-fixture-worker.mjs <db> <name> [server]   (<db>: a SQLite path or a server URL)
// Prints "ready <pid>" once registered; on SIGTERM it "drains" (counts drained) and stops.
// AMIQ_RESERVATION is honoured as `amiq run` does; FIXTURE_CRASH=1 throws from run after ready,
// FIXTURE_CRASH=uncaught throws outside any promise (the process-level handler must record it).
import { openDatabase } from '../dist/src/shared/db/index.js';
import { createLogger } from '../dist/src/shared/log.js';
import { runWorker } from '../dist/src/shared/worker/index.js';

const [dbPath, name, server = 'default'] = process.argv.slice(2);
const isUrl = /^(postgres|postgresql|mysql|mariadb):/.test(dbPath);
const { db, sqlite, close } = await openDatabase(isUrl ? { url: dbPath, path: '' } : { path: dbPath });
try {
  await runWorker({
    name,
    server,
    db,
    sqlite,
    logger: createLogger({ level: 'silent' }),
    beatSeconds: 0.2,
    drainSeconds: 5,
    reservation: process.env.AMIQ_RESERVATION || undefined,
    run: async (ctx) => {
      ctx.setAmiState('connected');
      await ctx.beat();
      process.stdout.write(`ready ${process.pid}\n`);
      if (process.env.FIXTURE_CRASH === '1') throw new Error('fixture crash');
      if (process.env.FIXTURE_CRASH === 'uncaught') setImmediate(() => {
        throw new Error('uncaught fixture crash');
      });
      if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      await new Promise((resolve) => setTimeout(resolve, 50)); // in-flight work finishing
      ctx.count('drained');
    },
  });
  await close();
  process.exit(0);
} catch (err) {
  process.stderr.write(`${err.name}: ${err.message}\n`);
  await close();
  process.exit(1);
}

import { expect, it } from 'vitest';
import { readWorker } from '../src/shared/worker/index.js';
import { exitOf, spawnFixture, waitForLine } from './helpers/shared-helpers.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';

// A worker process on a server database: registered, stopped by SIGTERM, and a crash recorded
// even from the process-level handler, where no synchronous SQLite handle exists.
describeEngines(
  'a worker process on a server database',
  (t) => {
    it('SIGTERM leaves the row stopped; a failing run and an uncaught throw both leave it crashed', async () => {
      const child = spawnFixture(t.url, 'fixture');
      expect(await waitForLine(child, /^ready \d+$/)).toBe(`ready ${child.pid}`);
      expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ pid: child.pid, state: 'running', ami_state: 'connected' });
      child.kill('SIGTERM');
      expect(await exitOf(child)).toBe(0);
      expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ state: 'stopped', counters: '{"drained":1}' });

      const crasher = spawnFixture(t.url, 'fixture', { FIXTURE_CRASH: '1' });
      expect(await exitOf(crasher)).toBe(1);
      expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ state: 'crashed', last_error: 'fixture crash' });

      const uncaught = spawnFixture(t.url, 'fixture', { FIXTURE_CRASH: 'uncaught' });
      expect(await exitOf(uncaught)).toBe(1);
      expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ state: 'crashed', last_error: 'uncaught fixture crash' });
    });
  },
  SERVER_ENGINES,
);

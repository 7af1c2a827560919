import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/shared/log.js';
import { isoNow } from '../src/shared/time.js';
import { isAlive, readWorker, runWorker, WorkerAlreadyRunningError, WorkerDisplacedError, WorkerDrainTimeoutError } from '../src/shared/worker/index.js';
import { eventually, exitOf, spawnFixture, tempDb, waitForLine, type TempDb } from './helpers/shared-helpers.js';

const logger = createLogger({ level: 'silent' });
let t: TempDb;
beforeEach(async () => {
  t = await tempDb();
});
afterEach(async () => {
  await t.cleanup();
});

describe('isAlive', () => {
  const now = Date.parse('2026-01-01T00:00:10.000Z');
  it.each([
    ['2026-01-01T00:00:09.000Z', 'running', true],
    ['2026-01-01T00:00:04.000Z', 'running', true], // exactly 3 beats old
    ['2026-01-01T00:00:03.999Z', 'running', false],
    ['2026-01-01T00:00:09.000Z', 'starting', true],
    ['2026-01-01T00:00:09.000Z', 'stopped', false],
    ['2026-01-01T00:00:09.000Z', 'crashed', false],
    ['garbage', 'running', false],
  ])('beat %s state %s → %s', (beat_at, state, alive) => {
    expect(isAlive({ beat_at, state }, now, 2)).toBe(alive);
  });
});

describe('runWorker (in process)', () => {
  it('beats counters and AMI state, stops on the stop signal, refuses a twin meanwhile', async () => {
    const stop = new AbortController();
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const done = runWorker({
      name: 'heartbeat',
      server: 'default',
      db: t.db,
      logger,
      beatSeconds: 60,
      signal: stop.signal,
      handleProcessEvents: false,
      run: async (ctx) => {
        ctx.setAmiState('connected');
        ctx.count('sent');
        ctx.count('sent', 2);
        ctx.setCounter('backlog', 7);
        ctx.setError(new Error('transient'));
        await ctx.beat();
        ready();
        await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
      },
    });
    await started;
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({
      state: 'running',
      ami_state: 'connected',
      counters: '{"sent":3,"backlog":7}',
      last_error: 'transient',
    });
    await expect(
      runWorker({ name: 'heartbeat', server: 'default', db: t.db, logger, beatSeconds: 60, handleProcessEvents: false, run: async () => {} }),
    ).rejects.toBeInstanceOf(WorkerAlreadyRunningError);
    stop.abort();
    expect((await done).counters).toEqual({ sent: 3, backlog: 7 });
    expect((await readWorker(t.db, 'default', 'heartbeat'))?.state).toBe('stopped');
  });

  it('an AMI state change is written at once, not at the next beat', async () => {
    const stop = new AbortController();
    const done = runWorker({
      name: 'heartbeat',
      server: 'default',
      db: t.db,
      logger,
      beatSeconds: 3600,
      signal: stop.signal,
      handleProcessEvents: false,
      run: async (ctx) => {
        ctx.setAmiState('connected');
        await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
      },
    });
    expect(await eventually(async () => (await readWorker(t.db, 'default', 'heartbeat'))?.ami_state === 'connected' || undefined)).toBe(true);
    stop.abort();
    await done;
  });

  it('two instances started at once in one process: one runs, the other is refused', async () => {
    const stop = new AbortController();
    const start = () =>
      runWorker({
        name: 'heartbeat',
        server: 'default',
        db: t.db,
        logger,
        beatSeconds: 60,
        signal: stop.signal,
        handleProcessEvents: false,
        run: (ctx) => new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true })),
      });
    const both = [start(), start()];
    const refused = await Promise.race(both.map((p) => p.catch((e: unknown) => e)));
    expect(refused).toBeInstanceOf(WorkerAlreadyRunningError);
    stop.abort();
    const results = await Promise.allSettled(both);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('a failing run marks the row crashed with last_error and rejects', async () => {
    const run = async () => {
      throw new Error('AMI exploded');
    };
    await expect(runWorker({ name: 'heartbeat', server: 'default', db: t.db, logger, beatSeconds: 60, handleProcessEvents: false, run })).rejects.toThrow(
      'AMI exploded',
    );
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({ state: 'crashed', last_error: 'AMI exploded' });
  });

  it('a worker whose row was taken over stops instead of running twice', async () => {
    const run = (ctx: { signal: AbortSignal }) => new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
    const done = runWorker({ name: 'heartbeat', server: 'default', db: t.db, logger, beatSeconds: 0.05, handleProcessEvents: false, run });
    const row = await eventually(() => readWorker(t.db, 'default', 'heartbeat'));
    // Another instance judged us dead and registered over our row.
    await t.db
      .updateTable('workers')
      .set({ pid: row.pid + 1, started_at: isoNow() })
      .execute();
    await expect(done).rejects.toBeInstanceOf(WorkerDisplacedError);
    expect((await readWorker(t.db, 'default', 'heartbeat'))?.pid).toBe(row.pid + 1);
  });

  it('a SIGTERM that comes while the worker registers still stops it, and the row says stopped', async () => {
    let abortedAtStart: boolean | undefined;
    const done = runWorker({
      name: 'heartbeat',
      server: 'default',
      db: t.db,
      logger,
      beatSeconds: 60,
      run: async (ctx) => {
        abortedAtStart = ctx.signal.aborted;
      },
    });
    // runWorker is now awaiting its registration: the row will say running before run starts.
    expect(process.emit('SIGTERM', 'SIGTERM')).toBe(true);
    expect(await done).toMatchObject({ state: 'stopped' });
    expect(abortedAtStart).toBe(true);
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({ state: 'stopped' });
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('a drain that takes too long is cut short: stopped, with last_error saying so', async () => {
    const stop = new AbortController();
    stop.abort();
    const run = () => new Promise<void>(() => {}); // never finishes its in-flight work
    await expect(
      runWorker({
        name: 'heartbeat',
        server: 'default',
        db: t.db,
        logger,
        beatSeconds: 60,
        drainSeconds: 0.05,
        signal: stop.signal,
        handleProcessEvents: false,
        run,
      }),
    ).rejects.toBeInstanceOf(WorkerDrainTimeoutError);
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({
      state: 'stopped',
      last_error: expect.stringContaining('did not stop within 50 ms'),
    });
  });
});

describe('runWorker (real processes; needs npm run build)', () => {
  it('SIGTERM drains and leaves the row stopped; a second process is refused meanwhile; a crash exits non-zero', async () => {
    const child = spawnFixture(t.path, 'fixture');
    const line = await waitForLine(child, /^ready \d+$/);
    expect(line).toBe(`ready ${child.pid}`);
    expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ pid: child.pid, state: 'running', ami_state: 'connected' });

    const twin = spawnFixture(t.path, 'fixture');
    let twinErr = '';
    twin.stderr!.on('data', (d: Buffer) => (twinErr += d.toString()));
    expect(await exitOf(twin)).toBe(1);
    expect(twinErr).toContain('WorkerAlreadyRunningError');

    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
    const stopped = await readWorker(t.db, 'default', 'fixture');
    expect(stopped).toMatchObject({ state: 'stopped' });
    // A loaded machine may add beats_skipped; what matters is the one drain.
    expect(JSON.parse(stopped!.counters)).toMatchObject({ drained: 1 });

    const crasher = spawnFixture(t.path, 'fixture', { FIXTURE_CRASH: '1' });
    expect(await exitOf(crasher)).toBe(1);
    expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ state: 'crashed', last_error: 'fixture crash' });

    const uncaught = spawnFixture(t.path, 'fixture', { FIXTURE_CRASH: 'uncaught' });
    expect(await exitOf(uncaught)).toBe(1);
    expect(await readWorker(t.db, 'default', 'fixture')).toMatchObject({ state: 'crashed', last_error: 'uncaught fixture crash' });
  });
});

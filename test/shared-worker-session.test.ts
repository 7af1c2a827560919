import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/shared/log.js';
import { isoNow } from '../src/shared/time.js';
import { readWorker, registerWorker, WorkerDrainTimeoutError, type WorkerContext } from '../src/shared/worker/index.js';
import { WorkerSession } from '../src/shared/worker/worker-session.js';
import { tempDb, type TempDb } from './helpers/shared-helpers.js';

const logger = createLogger({ level: 'silent' });
let t: TempDb;
beforeEach(async () => {
  t = await tempDb();
});
afterEach(async () => {
  await t.cleanup();
});

/** A registered row and its session. */
async function session(over: { drainMs?: number } = {}): Promise<WorkerSession> {
  const id = { server: 'default', name: 'heartbeat', pid: process.pid, host: hostname(), started_at: isoNow() };
  await registerWorker(t.db, id, { nowMs: Date.now(), beatSeconds: 60, notRunningHere: true });
  return new WorkerSession({ id, db: t.db, logger, beatSeconds: 60, drainMs: over.drainMs ?? 1000, ownStop: false });
}

const untilStopped = (ctx: WorkerContext): Promise<void> => new Promise((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));

describe('WorkerSession', () => {
  it('turns a stop into ctx.signal, writes stopping at once, and leaves the row stopped with its counters', async () => {
    const s = await session();
    const done = s.run(async (ctx) => {
      ctx.count('sent', 2);
      ctx.setCounter('backlog', 7);
      queueMicrotask(() => s.stop('SIGTERM'));
      await untilStopped(ctx);
      expect((await readWorker(t.db, 'default', 'heartbeat'))?.state).toBe('stopping');
    });
    expect(await done).toEqual({ state: 'stopped', counters: { sent: 2, backlog: 7 } });
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({ state: 'stopped', counters: JSON.stringify({ sent: 2, backlog: 7 }) });
  });

  it('writes an AMI state change at once', async () => {
    const s = await session();
    await s.run(async (ctx) => {
      ctx.setAmiState('connected');
      await ctx.beat();
      expect((await readWorker(t.db, 'default', 'heartbeat'))?.ami_state).toBe('connected');
    });
  });

  it('a worker that gives up with an AbortError after the stop request stopped cleanly', async () => {
    const s = await session();
    s.stop('SIGINT');
    const outcome = await s.run(async () => {
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    });
    expect(outcome.state).toBe('stopped');
    expect((await readWorker(t.db, 'default', 'heartbeat'))?.last_error).toBeNull();
  });

  it('cuts a drain short after drainMs: stopped, with last_error saying so', async () => {
    const s = await session({ drainMs: 20 });
    s.stop('SIGTERM');
    await expect(s.run(() => new Promise<void>(() => {}))).rejects.toBeInstanceOf(WorkerDrainTimeoutError);
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({
      state: 'stopped',
      last_error: expect.stringContaining('did not stop within 20 ms'),
    });
  });

  it('a failing run leaves the row crashed with last_error; no beat comes after', async () => {
    const s = await session();
    await expect(s.run(async () => Promise.reject(new Error('AMI exploded')))).rejects.toThrow('AMI exploded');
    await s.beat();
    expect(await readWorker(t.db, 'default', 'heartbeat')).toMatchObject({ state: 'crashed', last_error: 'AMI exploded' });
  });
});

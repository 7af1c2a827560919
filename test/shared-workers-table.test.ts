import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isoNow } from '../src/shared/time.js';
import {
  beatWorker,
  listWorkers,
  markWorkerStopped,
  readWorker,
  registerWorker,
  reserveWorker,
  setReservationPid,
  WorkerAlreadyRunningError,
  type WorkerIdentity,
} from '../src/shared/worker/index.js';
import { describeEngines, SERVER_ENGINES } from './helpers/engines.js';

// The workers table's statements on every engine (runWorker itself: shared-worker.test.ts).
const ident = (over: Partial<WorkerIdentity> = {}): WorkerIdentity => ({
  server: 'default',
  name: 'action-sender',
  pid: 111,
  host: hostname(),
  started_at: isoNow(),
  ...over,
});
const opts = (over = {}) => ({ nowMs: Date.now(), beatSeconds: 2, pidAlive: () => true, ...over });

describeEngines('workers table', (t) => {
  describe('registerWorker', () => {
    it('refuses a second live instance, naming the holder', async () => {
      await registerWorker(t.db, ident({ pid: 111 }), opts());
      const err = await registerWorker(t.db, ident({ pid: 222 }), opts()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerAlreadyRunningError);
      expect((err as Error).message).toContain('pid 111');
      expect((await readWorker(t.db, 'default', 'action-sender'))?.pid).toBe(111);
    });

    it('other servers and other names are independent', async () => {
      await registerWorker(t.db, ident(), opts());
      await registerWorker(t.db, ident({ server: 'pbx2' }), opts());
      await registerWorker(t.db, ident({ name: 'heartbeat' }), opts());
      expect((await listWorkers(t.db)).map((r) => `${r.server}/${r.name}`)).toEqual(['default/action-sender', 'default/heartbeat', 'pbx2/action-sender']);
      expect(await listWorkers(t.db, 'pbx2')).toHaveLength(1);
    });

    it('takes over a row whose pid is dead on this host', async () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      await registerWorker(t.db, ident({ pid: dead }), opts({ pidAlive: undefined }));
      const replaced = await registerWorker(t.db, ident({ pid: process.pid }), opts({ pidAlive: undefined }));
      expect(replaced?.pid).toBe(dead);
      expect(await readWorker(t.db, 'default', 'action-sender')).toMatchObject({ pid: process.pid, state: 'running', counters: '{}' });
    });

    it('does not judge pids of another host; takes over stale, stopped and crashed rows', async () => {
      await registerWorker(t.db, ident({ host: 'elsewhere' }), opts({ pidAlive: () => false }));
      await expect(registerWorker(t.db, ident({ pid: 2 }), opts({ pidAlive: () => false }))).rejects.toBeInstanceOf(WorkerAlreadyRunningError);
      // 6.001 s later with 2 s beats the row is stale.
      await registerWorker(t.db, ident({ pid: 3 }), opts({ nowMs: Date.now() + 6_001 }));
      const id = ident({ pid: 4 });
      await registerWorker(t.db, ident({ pid: 4, started_at: id.started_at }), opts({ nowMs: Date.now() + 12_002 }));
      await markWorkerStopped(t.db, id, { state: 'crashed', at: isoNow(), counters: {}, last_error: 'x', last_error_at: isoNow() });
      expect((await registerWorker(t.db, ident({ pid: 5 }), opts()))?.state).toBe('crashed');
    });

    it('a row with our own pid is a leftover from before a restart unless this process runs the worker', async () => {
      await registerWorker(t.db, ident({ pid: 77 }), opts());
      await expect(registerWorker(t.db, ident({ pid: 77 }), opts())).rejects.toBeInstanceOf(WorkerAlreadyRunningError);
      expect((await registerWorker(t.db, ident({ pid: 77 }), opts({ notRunningHere: true })))?.pid).toBe(77);
    });

    it('a keepalive reservation is taken only by the process that presents it', async () => {
      const at = isoNow();
      expect(await reserveWorker(t.db, { server: 'default', name: 'action-sender', pid: 50, host: hostname(), at }, undefined)).toBe(true);
      await expect(registerWorker(t.db, ident({ pid: 51 }), opts())).rejects.toBeInstanceOf(WorkerAlreadyRunningError);
      await registerWorker(t.db, ident({ pid: 51 }), opts({ reservation: at }));
      expect((await readWorker(t.db, 'default', 'action-sender'))?.state).toBe('running');
    });
  });

  describe('reserveWorker (compare-and-swap)', () => {
    it('only one of two reservations of the same dead row wins', async () => {
      const id = ident({ pid: 7 });
      await registerWorker(t.db, id, opts());
      await markWorkerStopped(t.db, id, { state: 'stopped', at: isoNow(), counters: {}, last_error: null, last_error_at: null });
      const seen = await readWorker(t.db, 'default', 'action-sender');
      const r = (pid: number) => reserveWorker(t.db, { server: 'default', name: 'action-sender', pid, host: 'h', at: isoNow() }, seen);
      const results = await Promise.all([r(8), r(9)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await reserveWorker(t.db, { server: 'default', name: 'action-sender', pid: 10, host: 'h', at: isoNow() }, undefined)).toBe(false);
    });
  });

  describe('setReservationPid', () => {
    it("hands only a still-'starting' reservation with the same token to the started pid", async () => {
      const at = isoNow();
      await reserveWorker(t.db, { server: 'default', name: 'heartbeat', pid: 50, host: 'h', at }, undefined);
      expect(await setReservationPid(t.db, 'default', 'heartbeat', 'other-token', 61)).toBe(false);
      expect(await setReservationPid(t.db, 'default', 'heartbeat', at, 60)).toBe(true);
      expect((await readWorker(t.db, 'default', 'heartbeat'))?.pid).toBe(60);
      await t.db.updateTable('workers').set({ state: 'running' }).execute();
      expect(await setReservationPid(t.db, 'default', 'heartbeat', at, 62)).toBe(false);
    });
  });

  describe('beatWorker', () => {
    it('updates only its own registration', async () => {
      const id = ident();
      await registerWorker(t.db, id, opts());
      const beat = { beat_at: isoNow(), state: 'running', ami_state: 'connected', counters: { sent: 3 }, last_error: 'oops', last_error_at: isoNow() };
      expect(await beatWorker(t.db, id, beat)).toBe(true);
      expect(await readWorker(t.db, 'default', 'action-sender')).toMatchObject({ ami_state: 'connected', counters: '{"sent":3}', last_error: 'oops' });
      expect(await beatWorker(t.db, { ...id, pid: 999 }, beat)).toBe(false);
    });
  });

  describe('listWorkers and markWorkerStopped', () => {
    it('times read back as the ISO text written, on every engine', async () => {
      const id = ident({ started_at: '2026-12-06T09:30:00.123Z' });
      await registerWorker(t.db, id, opts({ nowMs: Date.parse(id.started_at) }));
      await markWorkerStopped(t.db, id, { state: 'stopped', at: '2026-12-06T09:31:00.456Z', counters: { sent: 1 }, last_error: null, last_error_at: null });
      expect(await listWorkers(t.db)).toMatchObject([
        { started_at: '2026-12-06T09:30:00.123Z', beat_at: '2026-12-06T09:31:00.456Z', state: 'stopped', counters: '{"sent":1}' },
      ]);
    });
  });
});

describeEngines(
  'workers table across connections',
  (t) => {
    it('two processes registering the same worker at once: exactly one wins', async () => {
      const other = await t.openAnother();
      try {
        for (let round = 0; round < 5; round++) {
          await t.reset();
          const results = await Promise.allSettled([
            registerWorker(t.db, ident({ pid: 1000 + round, host: 'a' }), opts()),
            registerWorker(other.db, ident({ pid: 2000 + round, host: 'b' }), opts()),
          ]);
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
          expect(refused.reason).toBeInstanceOf(WorkerAlreadyRunningError);
        }
      } finally {
        await other.close();
      }
    });

    it('two keepalives reserving at once, a worker never started or one judged dead: exactly one wins', async () => {
      const other = await t.openAnother();
      try {
        const reserve = (db: typeof t.db, pid: number, seen: Awaited<ReturnType<typeof readWorker>>) =>
          reserveWorker(db, { server: 'default', name: 'heartbeat', pid, host: `h${pid}`, at: isoNow() }, seen);
        expect((await Promise.all([reserve(t.db, 1, undefined), reserve(other.db, 2, undefined)])).filter(Boolean)).toHaveLength(1);
        await t.db.updateTable('workers').set({ state: 'crashed' }).execute();
        const seen = await readWorker(t.db, 'default', 'heartbeat');
        expect((await Promise.all([reserve(t.db, 3, seen), reserve(other.db, 4, seen)])).filter(Boolean)).toHaveLength(1);
        expect([3, 4]).toContain((await readWorker(t.db, 'default', 'heartbeat'))?.pid);
      } finally {
        await other.close();
      }
    });
  },
  SERVER_ENGINES,
);

import { mkdtempSync, rmSync } from 'node:fs';
import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { runManagerListener, type Listener } from '../src/manager-listener/index.js';
import { defaultConfig } from '../src/shared/config/index.js';
import { openSqlite, startCheckpointer } from '../src/shared/db/index.js';
import { partArgs, report } from './report.js';

/**
 * Listener benchmark: an event storm of many concurrent Asterisk 22 calls (AMIQ_ID-tagged Local
 * calls, ~28 events each) streamed over loopback TCP to the real worker (AmiClient, tracker,
 * lookups, batched writes, event_log = matched), with a pre-seeded row per call. The fake PBX
 * runs in its own process (listener-pbx.ts) and keeps at most WINDOW events unconsumed, so the
 * figure is what the listener absorbs, not what its socket buffers, and RSS is the listener's. Env: BENCH_LISTENER_CALLS (default 4000), BENCH_LISTENER_CONCURRENT (1000).
 *
 * Two runs, each in a process of its own: WAL checkpoints on their own thread, as `amiq run
 * manager-listener` has them (the targets are judged on this one), then SQLite's default, where
 * whichever commit crosses 1,000 WAL pages checkpoints on the event loop.
 */
const CALLS = Number(process.env.BENCH_LISTENER_CALLS ?? 4000);
const CONCURRENT = Number(process.env.BENCH_LISTENER_CONCURRENT ?? 1000);
const EVENT_LOG = (process.env.BENCH_LISTENER_EVENT_LOG ?? 'matched') as 'all' | 'matched' | 'none';
const WINDOW = Number(process.env.BENCH_LISTENER_WINDOW ?? 2_000);
const CHUNK_BYTES = 64 * 1024;

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const VARIANTS = { thread: 'checkpoints on their own thread (amiq)', commits: "checkpoints in the commits (SQLite's default)" } as const;
type Variant = keyof typeof VARIANTS;

export async function run(variant: Variant): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-listener-'));
  const seed = fork(fileURLToPath(new URL('./listener-seed.js', import.meta.url)), [join(dir, 'amiq.db'), String(CALLS)]);
  const [code] = (await once(seed, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`listener-seed exited with ${code}`);
  const opened = openSqlite(join(dir, 'amiq.db'));
  const { db } = opened;
  const checkpointer = variant === 'thread' ? startCheckpointer(opened.sqlite) : undefined;
  if (checkpointer && !(await checkpointer.ready)) throw new Error('the checkpointer thread did not start');
  const pbx = fork(fileURLToPath(new URL('./listener-pbx.js', import.meta.url)), [CALLS, CONCURRENT, WINDOW, CHUNK_BYTES].map(String));
  const fromPbx = <K extends string>(key: K): Promise<number> =>
    new Promise((resolve) => pbx.on('message', (m: Record<string, number>) => key in m && resolve(m[key]!)));
  const started = fromPbx('started');
  const finished = fromPbx('sent');
  const port = await fromPbx('port');
  const ac = new AbortController();
  const config = defaultConfig();
  config.ami = { ...config.ami, port, username: 'amiq', secret: 'amiq', ping_interval_ms: 0 };
  config.manager_listener.event_log = EVENT_LOG;
  const ctx = { setAmiState: () => undefined, count: () => undefined, setError: () => undefined };
  let listener: Listener | undefined;
  const done = runManagerListener({ config, db, logger: pino({ level: 'silent' }), signal: ac.signal, ctx, onStarted: (l) => (listener = l) });
  await started;
  const l = listener!;
  const base = l.stats.events;
  const t0 = performance.now();
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  // What the heap really holds: its size right after each full collection. RSS peaks far above
  // it because V8 lets garbage pile up between full collections when they are cheap.
  let peakLive = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const sampler = setInterval(() => {
    pbx.send(l.stats.events - base);
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapTotal);
  }, 2);
  const sent = await finished;
  while (l.stats.events - base < sent) await wait(1);
  // A flush that meets the checkpoint thread's RESTART holding the lock keeps its changes and says
  // so: flush until everything is written, so the rows counted below are the whole outcome.
  while (!(await l.flush())) await wait(5);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  gcs.disconnect();
  const ended = await db
    .selectFrom('manager_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('call_state', '=', 'ENDED')
    .where('hangup_cause', '=', 16)
    .executeTakeFirstOrThrow();
  const logged = await db
    .selectFrom('manager_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  ac.abort();
  await done;
  await checkpointer?.close();
  pbx.disconnect();
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = Math.round(sent / seconds);
  console.log(`listener, ${VARIANTS[variant]}: ${CALLS} calls (${CONCURRENT} concurrent), ${sent} events over loopback TCP, event_log=${EVENT_LOG}`);
  console.log(
    `  ${rate} events/s absorbed (${seconds.toFixed(2)} s), peak RSS ${(peakRss / 1048576).toFixed(0)} MB (V8 heap ${(peakHeap / 1048576).toFixed(0)} MB, of it live after full GCs at most ${(peakLive / 1048576).toFixed(0)} MB)`,
  );
  console.log(
    `  rows ENDED with cause 16: ${Number(ended.n)}/${CALLS}; events logged: ${Number(logged.n)}; lookups: ${l.stats.lookups} (${l.stats.lookupMs.toFixed(0)} ms); flushes: ${l.stats.flushes} (${l.stats.flushMs.toFixed(0)} ms, longest ${l.stats.flushLongestMs.toFixed(0)} ms)`,
  );
  const thread = variant === 'thread';
  const which = thread ? 'checkpoint thread' : 'checkpoints in commits';
  const note = `${CALLS} calls, ${sent} events`;
  report({
    suite: 'listener',
    name: `${which}: events absorbed`,
    value: rate,
    unit: 'events/s',
    note,
    ...(thread ? { target: { op: '>=', value: 30_000 } } : {}),
  });
  report({ suite: 'listener', name: `${which}: peak RSS`, value: peakRss / 1048576, unit: 'MB', ...(thread ? { target: { op: '<=', value: 150 } } : {}) });
  report({ suite: 'listener', name: `${which}: live heap after full GCs, peak`, value: peakLive / 1048576, unit: 'MB' });
  report({ suite: 'listener', name: `${which}: longest flush`, value: l.stats.flushLongestMs, unit: 'ms' });
  if (thread) console.log(`  targets: >= 30000 events/s ${rate >= 30_000 ? 'met' : 'MISSED'}, RSS < 150 MB ${peakRss < 150 * 1048576 ? 'met' : 'MISSED'}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = partArgs()[0] as Variant | undefined;
  if (only !== undefined) {
    if (!(only in VARIANTS)) throw new Error(`unknown variant ${only}; known: ${Object.keys(VARIANTS).join(', ')}`);
    await run(only);
  } else {
    for (const v of Object.keys(VARIANTS)) {
      const r = spawnSync(process.execPath, [process.argv[1], v], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`listener bench (${v}) exited with ${r.status ?? r.signal}`);
    }
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { runManagerListener, type Listener } from '../src/manager-listener/index.js';
import { getHeader } from '../src/shared/ami/message.js';
import { AmiParser } from '../src/shared/ami/parser.js';
import { defaultConfig } from '../src/shared/config/index.js';
import { migrateToLatest, openDatabase } from '../src/shared/db/index.js';
import { StormGenerator } from './listener-storm.js';

/**
 * Listener benchmark: an event storm of many concurrent Asterisk 22 calls (AMIQ_ID-tagged Local
 * calls, ~28 events each) streamed over loopback TCP to the real worker (AmiClient, tracker,
 * lookups, batched writes, event_log = matched), with a pre-seeded row per call. The fake PBX
 * keeps at most WINDOW events unconsumed, so the figure is what the listener absorbs, not what
 * its socket buffers. Env: BENCH_LISTENER_CALLS (default 4000), BENCH_LISTENER_CONCURRENT (1000).
 */
const CALLS = Number(process.env.BENCH_LISTENER_CALLS ?? 4000);
const CONCURRENT = Number(process.env.BENCH_LISTENER_CONCURRENT ?? 1000);
const EVENT_LOG = (process.env.BENCH_LISTENER_EVENT_LOG ?? 'matched') as 'all' | 'matched' | 'none';
const WINDOW = Number(process.env.BENCH_LISTENER_WINDOW ?? 2_000);
const CHUNK_BYTES = 64 * 1024;

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Just enough of an AMI server: banner, Login, Ping, an empty CoreShowChannels, Logoff. */
function fakePbx(onLoggedIn: (sock: Socket) => void): ReturnType<typeof createServer> {
  return createServer((sock) => {
    sock.write('Asterisk Call Manager/11.0.0\r\n');
    const reply = (id: string | undefined, lines: string[]): void => {
      sock.write(['Response: Success', ...(id ? [`ActionID: ${id}`] : []), ...lines].join('\r\n') + '\r\n\r\n');
    };
    const parser = new AmiParser({
      onMessage: (m) => {
        const action = (getHeader(m, 'Action') ?? '').toLowerCase();
        const id = getHeader(m, 'ActionID');
        if (action === 'login') {
          reply(id, ['Message: Authentication accepted']);
          onLoggedIn(sock);
        } else if (action === 'ping') reply(id, ['Ping: Pong', `Timestamp: ${Date.now() / 1000}`]);
        else if (action === 'coreshowchannels') {
          reply(id, ['EventList: start', 'Message: Channels will follow']);
          sock.write(`Event: CoreShowChannelsComplete\r\nActionID: ${id ?? ''}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`);
        } else if (action === 'logoff') {
          sock.end('Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n');
        }
      },
    });
    sock.on('data', (d: Buffer) => parser.push(d));
    sock.on('error', () => undefined);
  });
}

/** Write the storm in waves of CONCURRENT calls, event by event across the wave, bounded by WINDOW. */
async function stream(sock: Socket, gen: StormGenerator, consumed: () => number): Promise<number> {
  let sent = 0;
  let buf = '';
  const push = async (): Promise<void> => {
    if (!sock.write(buf)) await new Promise((r) => sock.once('drain', r));
    buf = '';
  };
  for (let start = 0; start < CALLS; start += CONCURRENT) {
    const end = Math.min(CALLS, start + CONCURRENT);
    for (let n = 0; n < gen.length; n++) {
      for (let i = start; i < end; i++) {
        buf += gen.event(i, n);
        sent++;
        if (buf.length >= CHUNK_BYTES) await push();
        while (sent - consumed() > WINDOW) await wait(1);
      }
    }
  }
  if (buf) await push();
  return sent;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amiq-bench-listener-'));
  const opened = openDatabase(join(dir, 'amiq.db'));
  const { db } = opened;
  await migrateToLatest(db);
  const rows = Array.from({ length: CALLS }, (_, i) => StormGenerator.call(i));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('manager_queue')
      .values(rows.slice(i, i + 500).map((c) => ({ id: c.id, action: 'Originate', channel: 'Local/100@default', callerid: c.callerid, status: 'SUCCESS' as const, action_id: c.actionId })))
      .execute();
  }
  const gen = new StormGenerator();
  let listener: Listener | undefined;
  let loggedIn!: (s: Socket) => void;
  const sockReady = new Promise<Socket>((r) => (loggedIn = r));
  const server = fakePbx((s) => loggedIn(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const ac = new AbortController();
  const config = defaultConfig();
  config.ami = { ...config.ami, port, username: 'amiq', secret: 'amiq', ping_interval_ms: 0 };
  config.manager_listener.event_log = EVENT_LOG;
  const ctx = { setAmiState: () => undefined, count: () => undefined };
  const done = runManagerListener({ config, db, logger: pino({ level: 'silent' }), signal: ac.signal, ctx, onStarted: (l) => (listener = l) });
  const sock = await sockReady;
  await wait(50); // let the resync on connect finish
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapTotal);
  }, 20);
  const l = listener!;
  const base = l.stats.events;
  const t0 = performance.now();
  const sent = await stream(sock, gen, () => l.stats.events - base);
  while (l.stats.events - base < sent) await wait(1);
  await l.flush();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const ended = await db.selectFrom('manager_queue').select((eb) => eb.fn.countAll<number>().as('n')).where('call_state', '=', 'ENDED').where('hangup_cause', '=', 16).executeTakeFirstOrThrow();
  const logged = await db.selectFrom('manager_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  ac.abort();
  await done;
  server.close();
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = Math.round(sent / seconds);
  console.log(`listener: ${CALLS} calls (${CONCURRENT} concurrent), ${sent} events over loopback TCP, event_log=${EVENT_LOG}`);
  console.log(`  ${rate} events/s absorbed (${seconds.toFixed(2)} s), peak RSS ${(peakRss / 1048576).toFixed(0)} MB (V8 heap ${(peakHeap / 1048576).toFixed(0)} MB)`);
  console.log(`  rows ENDED with cause 16: ${Number(ended.n)}/${CALLS}; events logged: ${Number(logged.n)}; lookups: ${l.stats.lookups} (${l.stats.lookupMs.toFixed(0)} ms); flushes: ${l.stats.flushes} (${l.stats.flushMs.toFixed(0)} ms)`);
  console.log(`  targets: >= 30000 events/s ${rate >= 30_000 ? 'met' : 'MISSED'}, RSS < 150 MB ${peakRss < 150 * 1048576 ? 'met' : 'MISSED'}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();

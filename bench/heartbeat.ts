/**
 * Heartbeat UDP benchmark (loopback): replies/s at full speed, and request-to-reply latency
 * (p50/p99) at a steady 2,000 requests/s. The server runs in a worker thread (its own event
 * loop, as in production where it is its own process) with the live frame path: a channel map
 * holding a few E1 channels and the cached cleaner bit. The client sends from the main thread.
 * Run alone: `npm run build && node dist/bench/heartbeat.js`.
 */
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import pino from 'pino';
import { createAllowList } from '../src/heartbeat/allow-list.js';
import { ChannelMap } from '../src/heartbeat/channel-map.js';
import { countedStates } from '../src/heartbeat/channel-states.js';
import { e1Mask, liveFrames } from '../src/heartbeat/frame-source.js';
import { ProbeSocket } from '../src/shared/heartbeat-protocol/probe-client.js';
import { startHeartbeatServer } from '../src/heartbeat/udp-server.js';
import { report } from './report.js';

const HOST = '127.0.0.1';
const FULL_SPEED_REQUESTS = 100_000;
const WINDOW = 64;
const RATE = 2_000;
const RATE_SECONDS = 3;

async function serverThread(): Promise<void> {
  const port = parentPort!;
  const [{ replyPort }] = (await once(port, 'message')) as [{ replyPort: number }];
  const map = new ChannelMap((chs) => e1Mask(chs, 1, countedStates(['Up'])));
  map.completeListing(
    [1, 5, 15, 17, 31].map((c) => ({ name: `DAHDI/${c}-1`, state: 'Up' })),
    Date.now(),
  );
  const server = await startHeartbeatServer({
    bind: HOST,
    port: 0,
    replyPort,
    allow: createAllowList(['127.0.0.0/8']),
    frame: liveFrames({ map, cleanerAlive: () => true, staleMs: 3_600_000 }),
    logger: pino({ level: 'silent' }),
    recvBufferBytes: 1 << 22,
  });
  port.postMessage({ port: server.address().port });
  // Between 'mark' and 'measure': the server thread's busy time per request (event-loop utilisation),
  // a figure that depends less on what else the machine runs than wall-clock rates do.
  await once(port, 'message');
  const elu0 = performance.eventLoopUtilization();
  const requests0 = server.stats.requests;
  await once(port, 'message');
  const elu = performance.eventLoopUtilization(elu0);
  const busyUsPerRequest = (elu.active * 1000) / (server.stats.requests - requests0);
  port.postMessage({ busyUsPerRequest });
  await once(port, 'message');
  port.postMessage({ stats: server.stats });
  await server.close();
}

/** Up to WINDOW requests outstanding until `total` replies came back. */
async function fullSpeed(client: ProbeSocket, serverPort: number, total: number): Promise<{ perSecond: number; lost: number }> {
  let sent = 0;
  let received = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const onReply = (): void => {
      received++;
      if (received >= total) return resolve();
      if (sent < total) {
        sent++;
        client.send(HOST, serverPort);
      }
    };
    client.on('reply', onReply);
    for (; sent < Math.min(WINDOW, total); sent++) client.send(HOST, serverPort);
  });
  client.removeAllListeners('reply');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: received / seconds, lost: sent - received };
}

/** Paced sends; replies come back in order on loopback, so each is matched FIFO to its send time. */
async function pacedLatency(client: ProbeSocket, serverPort: number): Promise<{ p50: number; p99: number; max: number; samples: number; lost: number }> {
  const total = RATE * RATE_SECONDS;
  const sentAt: bigint[] = [];
  const latencies: number[] = [];
  let head = 0;
  client.on('reply', () => {
    const t = sentAt[head++];
    if (t !== undefined) latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  });
  const start = process.hrtime.bigint();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * RATE));
      for (; sent < due; sent++) {
        sentAt.push(process.hrtime.bigint());
        client.send(HOST, serverPort);
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  // Let the last replies arrive (bounded): at 2,000/s they trail by well under a second.
  const deadline = Date.now() + 1000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  client.removeAllListeners('reply');
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return { p50: pct(50), p99: pct(99), max: sorted.at(-1) ?? NaN, samples: sorted.length, lost: total - sorted.length };
}

export async function run(): Promise<void> {
  const client = await ProbeSocket.open({ replyPort: 0, host: HOST, bind: HOST, recvBufferBytes: 1 << 22 });
  const worker = new Worker(new URL(import.meta.url));
  try {
    worker.postMessage({ replyPort: client.port });
    const [{ port }] = (await once(worker, 'message')) as [{ port: number }];
    await fullSpeed(client, port, 5_000); // warm-up
    worker.postMessage('mark');
    const full = await fullSpeed(client, port, FULL_SPEED_REQUESTS);
    worker.postMessage('measure');
    const [{ busyUsPerRequest }] = (await once(worker, 'message')) as [{ busyUsPerRequest: number }];
    const paced = await pacedLatency(client, port);
    worker.postMessage('stop');
    const [{ stats }] = (await once(worker, 'message')) as [{ stats: Record<string, number> }];
    console.log(
      `heartbeat full speed (window ${WINDOW}, ${FULL_SPEED_REQUESTS} requests): ${Math.round(full.perSecond)} replies/s (target >= 20000), lost ${full.lost}`,
    );
    console.log(
      `heartbeat at ${RATE}/s for ${RATE_SECONDS}s: p50 ${paced.p50.toFixed(3)} ms, p99 ${paced.p99.toFixed(3)} ms (target < 2), max ${paced.max.toFixed(3)} ms, ${paced.samples} samples, lost ${paced.lost}`,
    );
    report({
      suite: 'heartbeat',
      name: 'replies at full speed',
      value: full.perSecond,
      unit: 'replies/s',
      target: { op: '>=', value: 20_000 },
      note: `window ${WINDOW}`,
    });
    report({ suite: 'heartbeat', name: `request → reply p50 at ${RATE}/s`, value: paced.p50, unit: 'ms' });
    report({
      suite: 'heartbeat',
      name: `request → reply p99 at ${RATE}/s`,
      value: paced.p99,
      unit: 'ms',
      target: { op: '<=', value: 2 },
      note: `${paced.samples} samples`,
    });
    report({ suite: 'heartbeat', name: 'server thread busy per request', value: busyUsPerRequest, unit: 'µs' });
    console.log(
      `server thread busy ${busyUsPerRequest.toFixed(1)} µs per request (≈ ${Math.round(1e6 / busyUsPerRequest)} replies/s on one free core); counters ${JSON.stringify(stats)}`,
    );
  } finally {
    await worker.terminate();
    await client.close();
  }
}

if (!isMainThread) {
  await serverThread();
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import { exitOf, waitForLine } from './shared-helpers.js';
import { freeUdpPort } from './free-udp-port.js';

const REPO = resolve(import.meta.dirname, '../..');

/**
 * The thread's code: one request at a time, 10 ms after the previous reply, each reply's
 * latency recorded (1000 when none came within 1 s). Runs from its source text.
 */
function proberThread(): void {
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const dgram = require('node:dgram') as typeof import('node:dgram');
  const sock = dgram.createSocket('udp4');
  const latencies: number[] = [];
  let sentAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let target = 0;
  const next = (): void => {
    timer = setTimeout(() => {
      sentAt = performance.now();
      sock.send(Buffer.from('?'), target, '127.0.0.1');
      timer = setTimeout(() => {
        latencies.push(1000);
        sentAt = 0;
        next();
      }, 1000);
    }, 10);
  };
  sock.on('message', () => {
    if (sentAt === 0) return;
    latencies.push(performance.now() - sentAt);
    sentAt = 0;
    clearTimeout(timer);
    next();
  });
  parentPort!.on('message', (m: { start?: number }) => {
    if (m.start !== undefined) {
      target = m.start;
      next();
    } else {
      clearTimeout(timer);
      sock.close();
      parentPort!.postMessage({ latencies });
    }
  });
  sock.bind(0, '127.0.0.1', () => parentPort!.postMessage({ port: sock.address().port }));
}

/**
 * A heartbeat monitor on a thread of its own, so the load of the test's process (simulator,
 * listener, sender) never shows in what it measures.
 */
export interface Prober {
  /** The port replies come to (the heartbeat's reply_port). */
  readonly replyPort: number;
  start(heartbeatPort: number): void;
  /** Stops probing; every reply's latency in ms. */
  stop(): Promise<number[]>;
  close(): Promise<number>;
}

export async function startProber(): Promise<Prober> {
  const thread = new Worker(`(${proberThread.toString()})()`, { eval: true });
  const replyPort = await new Promise<number>((r) => thread.once('message', (m: { port: number }) => r(m.port)));
  return {
    replyPort,
    start: (port) => thread.postMessage({ start: port }),
    stop: () =>
      new Promise<number[]>((r) => {
        thread.once('message', (m: { latencies: number[] }) => r(m.latencies));
        thread.postMessage({ stop: true });
      }),
    close: () => thread.terminate(),
  };
}

/**
 * `amiq run heartbeat` (the built CLI: npm test builds first; alone: npx tsc -p
 * tsconfig.build.json) on the database at dbPath, beating every 0.5 s, answering to replyPort.
 * `ami` given: live mode against that PBX; otherwise -t (no Asterisk). Resolves once it listens.
 */
export async function spawnHeartbeat(o: {
  dir: string;
  dbPath: string;
  replyPort: number;
  ami?: { host: string; port: number };
}): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freeUdpPort();
  const toml = join(o.dir, 'heartbeat.toml');
  const ami = o.ami ? `[ami]\nhost = "${o.ami.host}"\nport = ${o.ami.port}\nusername = "amiq"\nsecret = "amiq"\n` : '';
  writeFileSync(
    toml,
    `[database]\npath = "${o.dbPath}"\n${ami}[heartbeat]\nbind = "127.0.0.1"\nport = ${port}\nreply_port = ${o.replyPort}\n[workers]\nbeat_seconds = 0.5\n`,
  );
  const args = ['bin/amiq.js', '--config', toml, 'run', 'heartbeat', ...(o.ami ? [] : ['-t'])];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exitOf(child);
  };
  try {
    await waitForLine(child, /heartbeat: listening/);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, child, stop };
}

/**
 * Replies kept coming through `windowMs` of probing, within 10 ms. A database wait on the
 * heartbeat's event loop holds every reply for seconds: requests go unanswered (1000 ms) and
 * few replies come, so those two are checked strictly. "Within 10 ms" is checked on the median
 * and on 80% of replies: on a shared 2-core machine under a full test run, a process not
 * scheduled for tens of ms now and then shows in any timing, whatever the code does (the
 * slowest are in the message).
 */
export function expectPromptReplies(latencies: readonly number[], windowMs: number): void {
  const sorted = [...latencies].sort((x, y) => x - y);
  const what = `${latencies.length} replies, median ${sorted[sorted.length >> 1]?.toFixed(2)} ms, slowest ms: ${sorted
    .slice(-8)
    .reverse()
    .map((x) => x.toFixed(1))
    .join(', ')}`;
  expect(latencies.length, what).toBeGreaterThan(windowMs / 20);
  expect(sorted.at(-1), what).toBeLessThan(1000);
  expect(sorted[sorted.length >> 1], what).toBeLessThan(10);
  expect(sorted.filter((x) => x < 10).length / sorted.length, what).toBeGreaterThanOrEqual(0.8);
}

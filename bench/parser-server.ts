/**
 * Worker thread of the parser benchmark: a loopback server that speaks just enough AMI (banner,
 * Login → Success, Ping → Pong) and, after the Ping, streams a prepared number of events and
 * closes. It runs on its own thread so the client being measured has its event loop to itself.
 */
import { createServer, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { AmiParser } from '../src/shared/ami/parser.js';

export interface BenchServerData {
  /** The event mix, each a whole CRLF-framed event. */
  events: Buffer[];
  /** Template of the last event; `{N}` becomes the stream's event count. */
  finalEvent: string;
}

/** Events are written in blocks of this many (a few MB), cut short for the last block. */
const BLOCK_EVENTS = 8192;

const { events, finalEvent } = workerData as BenchServerData;
const parts: Buffer[] = [];
const offsets: number[] = [0];
for (let i = 0; i < BLOCK_EVENTS; i++) {
  const ev = Buffer.from(events[i % events.length]!);
  parts.push(ev);
  offsets.push(offsets[i]! + ev.length);
}
const block = Buffer.concat(parts);
let nextCount = 0;

/** Write and wait for drain (or close), removing both listeners so none pile up. */
function write(socket: Socket, data: Buffer): Promise<void> | undefined {
  if (socket.write(data)) return undefined;
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** N-1 events of the mix and the final marker event; bytes written are reported back. */
async function stream(socket: Socket, n: number): Promise<number> {
  let left = n - 1;
  let bytes = 0;
  while (left > 0 && !socket.destroyed) {
    const count = Math.min(left, BLOCK_EVENTS);
    const chunk = count === BLOCK_EVENTS ? block : block.subarray(0, offsets[count]);
    await write(socket, chunk);
    bytes += chunk.length;
    left -= count;
  }
  const last = Buffer.from(finalEvent.replaceAll('{N}', String(n)));
  await write(socket, last);
  return bytes + last.length;
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.write('Asterisk Call Manager/11.0.0\r\n');
  const n = nextCount;
  const parser = new AmiParser({
    onMessage: (msg) => {
      const action = msg.get('Action')?.toLowerCase();
      const id = msg.get('ActionID');
      const idLine = id === undefined ? '' : `ActionID: ${id}\r\n`;
      if (action === 'login') {
        socket.write(`Response: Success\r\n${idLine}Message: Authentication accepted\r\n\r\n`);
      } else if (action === 'ping') {
        socket.write(`Response: Success\r\n${idLine}Ping: Pong\r\nTimestamp: 1795325664.000000\r\n\r\n`);
        void stream(socket, n).then((bytes) => {
          parentPort!.postMessage({ streamed: bytes });
          socket.end();
        });
      }
    },
  });
  socket.on('data', (d: Buffer) => parser.push(d));
  socket.on('error', () => socket.destroy());
}

const server = createServer(serve);
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  parentPort!.postMessage({ port: typeof addr === 'object' && addr ? addr.port : 0 });
});
parentPort!.on('message', (msg: { events?: number; close?: boolean }) => {
  if (msg.events !== undefined) {
    nextCount = msg.events;
    parentPort!.postMessage({ armed: msg.events });
  }
  if (msg.close) server.close(() => parentPort!.close());
});

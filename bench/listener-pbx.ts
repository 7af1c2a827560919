import { createServer, type AddressInfo, type Socket } from 'node:net';
import { AmiParser } from '../src/shared/ami/parser.js';
import { StormGenerator } from './listener-storm.js';

/**
 * The listener benchmark's PBX, in its own process so that producing the storm costs the
 * measured listener nothing (neither CPU on its event loop nor RSS). argv: calls, concurrent,
 * window, chunkBytes. IPC: sends {port}, then {started}, then {sent}; receives the number of
 * events the listener has consumed, and never runs more than `window` events ahead of it.
 */
const [CALLS, CONCURRENT, WINDOW, CHUNK_BYTES] = process.argv.slice(2).map(Number) as [number, number, number, number];
const send = (m: object): void => void process.send!(m);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let consumed = 0;
process.on('message', (n: number) => (consumed = n));

/** Just enough of an AMI server: banner, Login, Ping, an empty CoreShowChannels, Logoff. */
const server = createServer((sock) => {
  sock.write('Asterisk Call Manager/11.0.0\r\n');
  const reply = (id: string | undefined, lines: string[]): void => {
    sock.write(['Response: Success', ...(id ? [`ActionID: ${id}`] : []), ...lines].join('\r\n') + '\r\n\r\n');
  };
  const parser = new AmiParser({
    onMessage: (m) => {
      const action = (m.get('Action') ?? '').toLowerCase();
      const id = m.get('ActionID');
      if (action === 'login') {
        reply(id, ['Message: Authentication accepted']);
      } else if (action === 'ping') reply(id, ['Ping: Pong', `Timestamp: ${Date.now() / 1000}`]);
      else if (action === 'coreshowchannels') {
        reply(id, ['EventList: start', 'Message: Channels will follow']);
        sock.write(`Event: CoreShowChannelsComplete\r\nActionID: ${id ?? ''}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`);
        // The listener is logged in and resynced: the storm starts.
        void stream(sock).then((sent) => send({ sent }));
      } else if (action === 'logoff') {
        sock.end('Response: Goodbye\r\nMessage: Thanks for all the fish.\r\n\r\n');
      }
    },
  });
  sock.on('data', (d: Buffer) => parser.push(d));
  sock.on('error', () => undefined);
});

/** Write the storm in waves of CONCURRENT calls, event by event across the wave, bounded by WINDOW. */
async function stream(sock: Socket): Promise<number> {
  const gen = new StormGenerator();
  send({ started: true });
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
        while (sent - consumed > WINDOW) await wait(1);
      }
    }
  }
  if (buf) await push();
  return sent;
}

server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));

import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { AmiClient, type AmiClientOptions } from '../../src/shared/ami/client.js';

/** A debug-level pino logger whose lines the test can read (to check what is logged, and what never is). */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>>; text: () => string } {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, text: () => raw.join('\n') };
}

/** Clients made here are stopped by `stopClients` (call it in afterEach). */
const made: AmiClient[] = [];

export function makeClient(port: number, over: Partial<AmiClientOptions> = {}): AmiClient {
  const client = new AmiClient({
    host: '127.0.0.1',
    port,
    username: 'amiq',
    secret: 'amiq',
    events: 'on',
    pingIntervalMs: 0,
    actionTimeoutMs: 5_000,
    reconnect: { minDelayMs: 1, maxDelayMs: 20 },
    ...over,
  });
  made.push(client);
  return client;
}

export async function stopClients(): Promise<void> {
  await Promise.all(made.splice(0).map((c) => c.stop()));
}

/** Start a client and resolve once it is logged in. */
export async function connectedClient(port: number, over: Partial<AmiClientOptions> = {}): Promise<AmiClient> {
  const client = makeClient(port, over);
  client.start();
  await client.waitConnected(10_000);
  return client;
}

/** The rejection of a promise that must reject (fails the test if it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, got a resolution');
}

/**
 * The clients compared by the parser benchmark. Each connects to the bench server, logs in,
 * sends the Ping that starts the stream, and counts events until the n-th arrives. The clock
 * runs from the Ping to the last event; the last event's Uniqueid is read back to show the
 * data arrived intact.
 */
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { AmiParser } from '../src/shared/ami/parser.js';
import type { AmiMessage } from '../src/shared/ami/message.js';
import { serializeAction } from '../src/shared/ami/serializer.js';

export interface PeerResult {
  events: number;
  lastUniqueid: string | undefined;
  seconds: number;
}

export interface Peer {
  name: string;
  run(port: number, n: number, timeoutMs: number): Promise<PeerResult>;
}

type Loose = Record<string, unknown>;

/** Shared bookkeeping: count, remember the last event, settle once (done, timeout or close). */
function tally(n: number, timeoutMs: number, resolve: (r: PeerResult) => void, reject: (e: Error) => void) {
  let start = 0;
  let events = 0;
  let last: (() => string | undefined) | undefined;
  let settled = false;
  const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
  const settle = () => {
    settled = true;
    clearTimeout(timer);
  };
  function fail(why: string): void {
    error(new Error(`${why}: ${events} of ${n} events`));
  }
  function error(err: Error): void {
    if (settled) return;
    settle();
    reject(err);
  }
  return {
    error,
    go(): void {
      start = performance.now();
    },
    /** `uniqueid` reads the field lazily: only the last event's is ever read. */
    event(uniqueid: () => string | undefined, cleanup: () => void): void {
      events++;
      last = uniqueid;
      if (events !== n || settled) return;
      const seconds = (performance.now() - start) / 1000;
      settle();
      cleanup();
      resolve({ events, lastUniqueid: last(), seconds });
    },
    closed(): void {
      // Libraries may still deliver queued events after the socket closes: look once they ran.
      setImmediate(() => fail('connection closed'));
    },
  };
}

type Tally = ReturnType<typeof tally>;

/** Run one client against the stream: `start` connects it and feeds the tally. */
function counted(n: number, timeoutMs: number, start: (t: Tally, fail: (e: Error) => void) => void): Promise<PeerResult> {
  return new Promise((resolve, reject) => {
    const t = tally(n, timeoutMs, resolve, reject);
    start(t, t.error);
  });
}

/**
 * Our parser on a raw socket. `read` is what the consumer does with each event: its name (what
 * the client's dispatch reads; the other fields stay unsplit until asked for), or every header.
 */
function amiqPeer(name: string, read: (msg: AmiMessage) => unknown): Peer {
  return {
    name,
    run: (port, n, timeoutMs) =>
      counted(n, timeoutMs, (t, fail) => {
        const socket = connect(port, '127.0.0.1');
        let loggedIn = false;
        const parser = new AmiParser({
          onMessage: (msg) => {
            if (msg.kind === 'event') {
              read(msg);
              t.event(
                () => msg.get('Uniqueid'),
                () => socket.destroy(),
              );
            } else if (msg.kind === 'response' && !loggedIn) {
              loggedIn = true;
              t.go();
              socket.write(serializeAction('Ping', { ActionID: 'go' }));
            }
          },
        });
        socket.on('connect', () => socket.write(serializeAction('Login', { Username: 'bench', Secret: 'bench', Events: 'on' })));
        socket.on('data', (d: Buffer) => parser.push(d));
        socket.on('close', () => t.closed());
        socket.on('error', fail);
      }),
  };
}

export const AMIQ = 'amiq AmiParser (net.Socket)';
export const AMIQ_SPLIT = 'amiq AmiParser, every header split';

const amiq = amiqPeer(AMIQ, (msg) => msg.eventName);
const amiqSplit = amiqPeer(AMIQ_SPLIT, (msg) => msg.headers);

const require = createRequire(import.meta.url);

interface ManagerLike {
  connect(port: number, host: string, cb: () => void): void;
  login(cb: (err?: unknown) => void): void;
  action(action: Loose, cb?: (err?: unknown) => void): string;
  on(event: string, fn: (e: Loose) => void): void;
  disconnect(): void;
}

const asteriskManager: Peer = {
  name: 'asterisk-manager 0.2',
  run: (port, n, timeoutMs) =>
    counted(n, timeoutMs, (t, fail) => {
      const Manager = require('asterisk-manager') as (p: number, h: string, u: string, s: string, ev: boolean) => ManagerLike;
      // Port 0: set the options but do not connect yet, so the login callback is ours.
      const ami = Manager(0, '127.0.0.1', 'bench', 'bench', true);
      ami.on('managerevent', (e) =>
        t.event(
          () => e['uniqueid'] as string | undefined,
          () => ami.disconnect(),
        ),
      );
      ami.on('close', () => t.closed());
      ami.connect(port, '127.0.0.1', () =>
        ami.login((err) => {
          if (err) return fail(new Error(`asterisk-manager login failed: ${JSON.stringify(err)}`));
          t.go();
          ami.action({ action: 'ping' });
        }),
      );
    }),
};

interface AmiClientLike {
  connect(user: string, secret: string, opts: { host: string; port: number }): Promise<unknown>;
  action(msg: Loose): unknown;
  on(event: string, fn: (e: Loose) => void): void;
  disconnect(): void;
}

const asteriskAmiClient: Peer = {
  name: 'asterisk-ami-client 1.1',
  run: (port, n, timeoutMs) =>
    counted(n, timeoutMs, (t, fail) => {
      const AmiClient = require('asterisk-ami-client') as new (opts?: Loose) => AmiClientLike;
      const client = new AmiClient({ reconnect: false, keepAlive: false, emitEventsByTypes: false });
      client.on('event', (e) =>
        t.event(
          () => e['Uniqueid'] as string | undefined,
          () => client.disconnect(),
        ),
      );
      client.on('disconnect', () => t.closed());
      client.connect('bench', 'bench', { host: '127.0.0.1', port }).then(() => {
        t.go();
        client.action({ Action: 'Ping' });
      }, fail);
    }),
};

export const PEERS: readonly Peer[] = [amiq, amiqSplit, asteriskManager, asteriskAmiClient];

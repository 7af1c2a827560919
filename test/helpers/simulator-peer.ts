import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { AmiParser } from '../../src/shared/ami/parser.js';
import type { AmiMessage } from '../../src/shared/ami/message.js';
import { serializeAction, type ActionHeaders } from '../../src/shared/ami/serializer.js';

/** A raw AMI peer for simulator tests: a socket, the shared parser, and awaitable messages. */
export class RawPeer {
  readonly messages: AmiMessage[] = [];
  /** Index of the first message `next` has not consumed yet. */
  cursor = 0;
  closed = false;
  private waiters: Array<() => void> = [];
  private readonly parser = new AmiParser({ onMessage: (m) => this.push(m) });

  private constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => this.parser.push(c));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  send(action: string, headers: ActionHeaders = []): void {
    this.socket.write(serializeAction(action, headers));
  }

  /** The next unconsumed message matching `pred`; messages before it stay unconsumed. */
  async waitFor(pred: (m: AmiMessage) => boolean, timeoutMs = 3000): Promise<AmiMessage> {
    const deadline = Date.now() + timeoutMs;
    for (let from = this.cursor; ;) {
      for (; from < this.messages.length; from++) {
        const m = this.messages[from]!;
        if (pred(m)) return m;
      }
      if (this.closed) throw new Error('connection closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; last messages: ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The response to the action with this ActionID. */
  response(actionId: string, timeoutMs?: number): Promise<AmiMessage> {
    return this.waitFor((m) => m.kind === 'response' && m.get('ActionID') === actionId, timeoutMs);
  }

  event(name: string, pred: (m: AmiMessage) => boolean = () => true, timeoutMs?: number): Promise<AmiMessage> {
    return this.waitFor((m) => m.eventName?.toLowerCase() === name.toLowerCase() && pred(m), timeoutMs);
  }

  async login(username = 'amiq', secret = 'amiq', events = 'on'): Promise<AmiMessage> {
    this.send('Login', { Username: username, Secret: secret, Events: events, ActionID: 'login' });
    return this.response('login');
  }

  /** Resolves when the server has closed the connection. */
  async closedByPeer(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private push(m: AmiMessage): void {
    this.messages.push(m);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * Per-file simulator harness: `start` a fast simulator (timeScale 0.01, short auth delay), open
 * `peer`s or a `loggedIn` one; everything is closed after each test.
 */
export function simulatorHarness() {
  let sim: Simulator | undefined;
  const peers: RawPeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    await sim?.close();
    sim = undefined;
  });
  const h = {
    get sim(): Simulator {
      if (!sim) throw new Error('simulator not started');
      return sim;
    },
    async start(opts: SimulatorOptions = {}): Promise<Simulator> {
      sim = await startSimulator({ port: 0, timeScale: 0.01, authFailDelayMs: 5, ...opts });
      return sim;
    },
    async peer(): Promise<RawPeer> {
      const p = await RawPeer.connect(h.sim.port);
      peers.push(p);
      return p;
    },
    async loggedIn(opts: SimulatorOptions = {}, events = 'on'): Promise<RawPeer> {
      await h.start(opts);
      const p = await h.peer();
      await p.login('amiq', 'amiq', events);
      return p;
    },
  };
  return h;
}

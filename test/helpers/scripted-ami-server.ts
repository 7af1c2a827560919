import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { AmiParser } from '../../src/shared/ami/parser.js';
import type { AmiHeader } from '../../src/shared/ami/message.js';
import { md5Key } from '../../src/shared/ami/client-login.js';
import { stopClients } from './ami-client-fixtures.js';

/**
 * A tiny scripted AMI peer for the client tests: it logs users in (plain or MD5), answers Ping
 * and Logoff, and lets each test script anything else (replies without ActionID, legacy lists,
 * `Response: Follows` bodies, silence, drops) where the real simulator would not go.
 */
export interface ScriptedAction {
  name: string;
  actionId: string | undefined;
  headers: AmiHeader[];
  conn: ScriptedConnection;
}

export type ActionHandler = (action: ScriptedAction) => void;

export class ScriptedConnection {
  readonly actions: ScriptedAction[] = [];
  bytesReceived = 0;
  challenge: string | undefined;

  constructor(
    readonly socket: Socket,
    readonly index: number,
  ) {}

  /** One message from header pairs (an object's keys keep their order). */
  send(headers: AmiHeader[] | Record<string, string>): void {
    const list = Array.isArray(headers) ? headers : Object.entries(headers);
    this.raw(list.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
  }

  /** A reply echoing the action's ActionID after the Response line, as Asterisk does. */
  reply(action: ScriptedAction, response: string, rest: Record<string, string> = {}): void {
    const id: Record<string, string> = action.actionId === undefined ? {} : { ActionID: action.actionId };
    this.send({ Response: response, ...id, ...rest });
  }

  raw(text: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Drop the connection at once (nothing pending is flushed). */
  close(): void {
    this.socket.destroy();
  }

  /** Close after what was written, as Asterisk does after Logoff or a failed login. */
  end(): void {
    this.socket.end();
  }
}

export interface ScriptedServerOptions {
  banner?: string | null;
  users?: Record<string, string>;
}

export class ScriptedAmiServer {
  readonly connections: ScriptedConnection[] = [];
  readonly actions: ScriptedAction[] = [];
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly waiters: Array<{ pred: (a: ScriptedAction) => boolean; resolve: (a: ScriptedAction) => void }> = [];
  private readonly connWaiters: Array<(c: ScriptedConnection) => void> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly opts: ScriptedServerOptions,
  ) {}

  static async start(opts: ScriptedServerOptions = {}): Promise<ScriptedAmiServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const s = new ScriptedAmiServer(server, address.port, opts);
    server.on('connection', (socket) => s.accept(socket));
    return s;
  }

  /** Script an action (case-insensitive name); replaces the default behaviour. */
  on(name: string, handler: ActionHandler): this {
    this.handlers.set(name.toLowerCase(), handler);
    return this;
  }

  count(name?: string): number {
    return name === undefined ? this.actions.length : this.actions.filter((a) => a.name.toLowerCase() === name.toLowerCase()).length;
  }

  get bytesReceived(): number {
    return this.connections.reduce((n, c) => n + c.bytesReceived, 0);
  }

  waitForAction(pred: (a: ScriptedAction) => boolean): Promise<ScriptedAction> {
    const seen = this.actions.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Resolves with the n-th connection (1-based) once it exists. */
  waitForConnection(n: number): Promise<ScriptedConnection> {
    const c = this.connections[n - 1];
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => {
      const check = (conn: ScriptedConnection): void => {
        if (conn.index === n) resolve(conn);
        else this.connWaiters.push(check);
      };
      this.connWaiters.push(check);
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const conn = new ScriptedConnection(socket, this.connections.length + 1);
    this.connections.push(conn);
    socket.on('error', () => {});
    const parser = new AmiParser({
      onMessage: (msg) => {
        const headers = msg.headers;
        const action: ScriptedAction = {
          name: msg.get('Action') ?? '',
          actionId: msg.get('ActionID'),
          headers,
          conn,
        };
        conn.actions.push(action);
        this.actions.push(action);
        this.handle(action);
        for (const w of this.waiters.filter((x) => x.pred(action))) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(action);
        }
      },
    });
    socket.on('data', (chunk: Buffer) => {
      conn.bytesReceived += chunk.length;
      parser.push(chunk);
    });
    const banner = this.opts.banner === undefined ? 'Asterisk Call Manager/11.0.0' : this.opts.banner;
    if (banner !== null) conn.raw(`${banner}\r\n`);
    for (const w of this.connWaiters.splice(0)) w(conn);
  }

  private handle(a: ScriptedAction): void {
    const custom = this.handlers.get(a.name.toLowerCase());
    if (custom) return custom(a);
    const c = a.conn;
    const users = this.opts.users ?? { amiq: 'amiq' };
    switch (a.name.toLowerCase()) {
      case 'challenge':
        c.challenge = String(100_000_000 + c.index);
        return c.reply(a, 'Success', { Challenge: c.challenge });
      case 'login': {
        const user = users[getHeaderOf(a, 'Username') ?? ''];
        const key = getHeaderOf(a, 'Key');
        const ok =
          user !== undefined && (key !== undefined ? c.challenge !== undefined && key === md5Key(c.challenge, user) : getHeaderOf(a, 'Secret') === user);
        if (ok) {
          c.reply(a, 'Success', { Message: 'Authentication accepted' });
          return c.send({ Event: 'FullyBooted', Privilege: 'system,all', Status: 'Fully Booted' });
        }
        c.reply(a, 'Error', { Message: 'Authentication failed' });
        return c.end();
      }
      case 'ping':
        return c.reply(a, 'Success', { Ping: 'Pong', Timestamp: '1795324401.000000' });
      case 'logoff':
        c.reply(a, 'Goodbye', { Message: 'Thanks for all the fish.' });
        return c.end();
      default:
        return c.reply(a, 'Error', { Message: `Invalid/unknown command: ${a.name}. Use Action: ListCommands to show available commands.` });
    }
  }
}

export function getHeaderOf(a: ScriptedAction, key: string): string | undefined {
  return a.headers.find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
}

/**
 * A fresh scripted peer for each test of the calling file; clients made with the fixtures are
 * stopped and the peer closed after each test. `restart` swaps in a peer with other options.
 */
export function scriptedPeerPerTest(): { server: ScriptedAmiServer; restart(opts: ScriptedServerOptions): Promise<void> } {
  const peer = {
    server: undefined as unknown as ScriptedAmiServer,
    async restart(opts: ScriptedServerOptions): Promise<void> {
      await peer.server.close();
      peer.server = await ScriptedAmiServer.start(opts);
    },
  };
  beforeEach(async () => {
    peer.server = await ScriptedAmiServer.start();
  });
  afterEach(async () => {
    await stopClients();
    await peer.server.close();
  });
  return peer;
}

import type { Socket } from 'node:net';
import { AmiMessage } from '../shared/ami/message.js';
import type { SimCore, SimSession, SimUser } from './core.js';
import type { ActionRecord } from './types.js';
import { ActionContext } from './action-context.js';
import { dispatch } from './actions/index.js';
import { ClientInput, type ClientMessage } from './input.js';

const ALL_CLASSES = 'all';

/**
 * One AMI session: banner, then actions answered strictly in order (a sync Originate blocks the
 * session, as in Asterisk), events filtered by the session's mask. Under an `authTimeout` profile
 * a session not logged in within `authTimeoutMs` of connecting is closed.
 */
export class Session implements SimSession {
  authed = false;
  user: SimUser | undefined;
  /** Event classes this session takes; ALL_CLASSES, or a set ('off' = empty set). */
  mask: Set<string> | typeof ALL_CLASSES = ALL_CLASSES;
  challenge: string | undefined;
  readonly sessionId: string;
  private readonly input: ClientInput;
  private readonly authTimer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly core: SimCore,
  ) {
    this.sessionId = `0x${(0x7f4e00000000 + id * 0x1000 + 0xee0).toString(16)}`;
    this.input = new ClientInput(core.spec.maxLineBytes, (m) => this.onMessage(m));
    if (core.spec.authTimeout) this.authTimer = setTimeout(() => this.authExpired(), core.options.authTimeoutMs);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.input.push(chunk));
    socket.on('error', (err) => core.logger?.debug({ err, connection: id }, 'simulator socket error'));
    socket.on('close', () => {
      this.closed = true;
      clearTimeout(this.authTimer);
    });
    if (!core.faultState.reading) socket.pause();
    this.write(`${core.spec.banner}\r\n`);
  }

  get localAddress(): string {
    return `IPV4/TCP/${this.socket.localAddress ?? '127.0.0.1'}/${this.socket.localPort ?? 0}`;
  }

  get remoteAddress(): string {
    return `IPV4/TCP/${this.socket.remoteAddress ?? '127.0.0.1'}/${this.socket.remotePort ?? 0}`;
  }

  /** Write unless the peer is gone or the server plays dead. */
  write(text: string): void {
    if (this.closed || this.core.faultState.silent) return;
    this.socket.write(text);
    // Asterisk gives up on a session whose writes time out; without a cap a stuck client would
    // grow our memory forever.
    if (this.socket.writableLength > this.core.options.maxQueuedBytes) {
      this.core.logger?.warn({ connection: this.id, queued: this.socket.writableLength }, 'simulator: peer not reading, session dropped');
      this.destroy();
    }
  }

  /** Raw bytes that bypass every fault gate (garbage, oversized messages). */
  writeRaw(data: string | Buffer): void {
    if (!this.closed) this.socket.write(data);
  }

  /** Login accepted: from now on the authtimeout no longer applies. */
  loggedIn(user: SimUser): void {
    this.authed = true;
    this.user = user;
    clearTimeout(this.authTimer);
  }

  wantsEvents(cls: string): boolean {
    if (!this.authed) return false;
    return this.mask === ALL_CLASSES || this.mask.has(cls);
  }

  /** Set the mask from a Login `Events:` or Events `EventMask:` value; returns whether any class is on. */
  setMask(value: string | undefined): boolean {
    const v = (value ?? 'on').trim().toLowerCase();
    if (['on', 'yes', 'true', '1', 'all', ''].includes(v)) this.mask = ALL_CLASSES;
    else if (['off', 'no', 'false', '0', 'none'].includes(v)) this.mask = new Set();
    else {
      const classes = v
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      this.mask = classes.includes('all') ? ALL_CLASSES : new Set(classes);
    }
    return this.mask === ALL_CLASSES || this.mask.size > 0;
  }

  /** Close after what was written has gone out. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private authExpired(): void {
    // A server playing dead runs no timers either.
    if (this.core.faultState.silent) return;
    this.core.logger?.debug({ connection: this.id }, 'simulator: not authenticated within authtimeout, session closed');
    this.end();
  }

  private onMessage({ headers, lineTooLong }: ClientMessage): void {
    if (this.closed) return;
    const msg = new AmiMessage('other', headers);
    const name = (msg.get('Action') ?? '').trim();
    const actionId = msg.get('ActionID') || undefined;
    const faults = this.core.faultState;
    if (lineTooLong && this.core.spec.longLineError) {
      // Not run, so not logged as an action; the error carries the ActionID if one was read.
      if (faults.silent) return;
      const ctx = new ActionContext(this.core, this, msg, name, actionId, false);
      this.answer(ctx, () => ctx.error('Failed to parse message: line too long'));
      return;
    }
    if (headers.length === 0) return;
    const rec: ActionRecord = { action: name, ...(actionId ? { actionId } : {}), headers, connection: this.id, at: Date.now() };
    this.core.recordAction(rec);
    if (faults.silent) return;
    if (faults.takeDrop(rec)) {
      this.destroy();
      return;
    }
    const ctx = new ActionContext(this.core, this, msg, name, actionId, faults.suppresses(rec));
    this.answer(ctx, () => dispatch(ctx));
  }

  /** Answers go out strictly in arrival order, each after the fault gates. */
  private answer(ctx: ActionContext, run: () => void | Promise<void>): void {
    const faults = this.core.faultState;
    this.queue = this.queue
      .then(() => faults.beforeAnswer())
      .then(() => (this.closed ? undefined : run()))
      .catch((err: unknown) => this.core.logger?.error({ err, action: ctx.name, actionId: ctx.actionId, connection: this.id }, 'simulator action failed'));
  }
}

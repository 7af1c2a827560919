import { connect, type Socket } from 'node:net';
import { AmiParser } from './parser.js';
import type { AmiMessage } from './message.js';
import { AmiConnectionLostError, AmiTimeoutError, type AmiFrameError } from './errors.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  /** Covers the TCP connect and the banner line. */
  timeoutMs: number;
  maxMessageBytes?: number;
}

export interface ConnectionHandlers {
  onMessage(msg: AmiMessage): void;
  onFrameError(err: AmiFrameError): void;
  /** The socket closed, for whatever reason, at any stage; `err` is the first cause known. */
  onClose(err: Error | undefined): void;
}

interface QueuedWrite {
  text: string;
  /** False when the action was settled (timed out) while waiting: it is then skipped. */
  beforeWrite: () => boolean;
}

/**
 * One TCP session to AMI. Bytes are parsed synchronously on 'data' and the socket is never
 * paused (Asterisk drops a client that does not read). Writes respect socket.write's return
 * value: once the socket buffer is over its high-water mark, actions wait in `queued` until
 * 'drain', so an action that never reached the socket is known not to have been sent.
 */
export class AmiConnection {
  /** The banner line (sent alone, before any message), or undefined if the peer sent none. */
  readonly ready: Promise<string | undefined>;
  readonly closed: Promise<void>;
  private readonly socket: Socket;
  private readonly queued: QueuedWrite[] = [];
  private blocked = false;
  private destroyed = false;
  private closeError: Error | undefined;

  constructor(opts: ConnectionOptions, handlers: ConnectionHandlers) {
    const context = { host: opts.host, port: opts.port, timeoutMs: opts.timeoutMs };
    let onBanner: (banner: string | undefined) => void = () => {};
    let onEarlyClose: (err: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      onBanner = resolve;
      onEarlyClose = reject;
    });
    // Rejects only when the socket closes before the banner; the client awaits it right away.
    this.ready.catch(() => {});
    let first = true;
    const parser = new AmiParser({
      maxMessageBytes: opts.maxMessageBytes,
      onError: (err) => handlers.onFrameError(err),
      onMessage: (msg) => {
        if (first) {
          first = false;
          clearTimeout(timer);
          onBanner(msg.kind === 'banner' ? msg.headers[0]?.[0] : undefined);
          if (msg.kind === 'banner') return;
        }
        handlers.onMessage(msg);
      },
    });
    const timer = setTimeout(
      () => this.destroy(new AmiTimeoutError(`no AMI banner from ${opts.host}:${opts.port} within ${opts.timeoutMs} ms`, context)),
      opts.timeoutMs,
    );
    const socket = (this.socket = connect({ host: opts.host, port: opts.port }));
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.on('data', (chunk: Buffer) => parser.push(chunk));
    socket.on('end', () => parser.end());
    socket.on('drain', () => this.flush());
    socket.on('error', (err) => (this.closeError ??= err));
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        clearTimeout(timer);
        this.destroyed = true;
        this.queued.length = 0;
        onEarlyClose(this.closeError ?? new AmiConnectionLostError(`${opts.host}:${opts.port} closed before the banner`, context));
        handlers.onClose(this.closeError);
        resolve();
      }),
    );
  }

  /** Actions waiting for the socket to drain. */
  get queuedWrites(): number {
    return this.queued.length;
  }

  write(text: string, beforeWrite: () => boolean): void {
    // Nothing is marked written on a dying socket: its action is then known unsent.
    if (this.destroyed) return;
    if (this.blocked || this.queued.length > 0) this.queued.push({ text, beforeWrite });
    else this.writeNow(text, beforeWrite);
  }

  destroy(err?: Error): void {
    if (err) this.closeError ??= err;
    this.destroyed = true;
    this.queued.length = 0;
    this.socket.destroy();
  }

  private writeNow(text: string, beforeWrite: () => boolean): void {
    if (!beforeWrite()) return;
    this.blocked = !this.socket.write(text);
  }

  private flush(): void {
    this.blocked = false;
    while (!this.blocked && !this.destroyed && this.queued.length > 0) {
      const next = this.queued.shift()!;
      this.writeNow(next.text, next.beforeWrite);
    }
  }
}

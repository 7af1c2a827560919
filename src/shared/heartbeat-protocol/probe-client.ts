import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import { HeartbeatBindError, ProbeTimeoutError } from './errors.js';
import { FRAME_BYTES, decodeFrame, type DecodedFrame } from './frame.js';

/** The request payload; the heartbeat ignores content, this only makes the probe recognisable in captures. */
const REQUEST = Buffer.from('amiq-probe');

export interface ProbeReply {
  frame: Buffer;
  from: { address: string; port: number };
}

/**
 * The monitor's side: a socket bound to the reply port (the heartbeat answers to the requester's
 * address at that port, from any local port), that sends requests from the same socket.
 * Emits 'reply' (ProbeReply) for every 8-byte datagram; other sizes are counted in `ignored`.
 */
export class ProbeSocket extends EventEmitter {
  ignored = 0;

  private constructor(private readonly socket: Socket) {
    super();
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      if (msg.length !== FRAME_BYTES) {
        this.ignored++;
        return;
      }
      this.emit('reply', { frame: msg, from: { address: rinfo.address, port: rinfo.port } } satisfies ProbeReply);
    });
    socket.on('error', (err) => this.emit('socket-error', err));
  }

  /** Binds `replyPort` (0 = a free port, read `port`) on the family of `host`. */
  static async open(opts: { replyPort: number; host?: string; bind?: string; recvBufferBytes?: number }): Promise<ProbeSocket> {
    const v6 = opts.host !== undefined && isIPv6(opts.host);
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ...(opts.recvBufferBytes ? { recvBufferSize: opts.recvBufferBytes } : {}) });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => {
        socket.close();
        reject(new HeartbeatBindError(`probe: cannot bind reply port ${opts.replyPort}: ${err.message}`, { port: opts.replyPort }));
      });
      socket.bind(opts.replyPort, opts.bind, () => {
        socket.removeAllListeners('error');
        resolve();
      });
    });
    return new ProbeSocket(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Sends one request; `onError` hears of a failed send (unresolvable host, unreachable network). */
  send(host: string, port: number, onError?: (err: Error) => void): void {
    this.socket.send(REQUEST, port, host, (err) => {
      if (err) onError?.(err);
    });
  }

  /** The next reply, or ProbeTimeoutError after `timeoutMs`. */
  nextReply(timeoutMs: number): Promise<ProbeReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('reply', onReply);
        reject(new ProbeTimeoutError(`no heartbeat reply within ${timeoutMs} ms`, { timeoutMs, replyPort: this.port }));
      }, timeoutMs);
      // The open socket keeps the process alive while waiting; after close() the timer must not.
      timer.unref();
      const onReply = (reply: ProbeReply): void => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.once('reply', onReply);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export interface ProbeResult extends DecodedFrame {
  raw: Buffer;
  from: { address: string; port: number };
}

/** One request, one reply (`amiq probe`). */
export async function probe(opts: { host: string; port: number; replyPort: number; timeoutMs: number }): Promise<ProbeResult> {
  const sock = await ProbeSocket.open({ replyPort: opts.replyPort, host: opts.host });
  try {
    const { frame, from } = await new Promise<ProbeReply>((resolve, reject) => {
      sock.nextReply(opts.timeoutMs).then(resolve, reject);
      sock.send(opts.host, opts.port, reject);
    });
    return { ...decodeFrame(frame), raw: frame, from };
  } finally {
    await sock.close();
  }
}

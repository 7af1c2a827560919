import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6, type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AllowList } from './allow-list.js';
import { HeartbeatBindError } from '../shared/heartbeat-protocol/errors.js';
import type { FrameSource } from './frame-source.js';

/**
 * Largest datagram treated as a request. Any datagram is a request and its content is ignored
 * (an empty one too), but a monitor's probe is a few bytes: anything larger is not a monitor,
 * so it is dropped and counted rather than answered (no amplification of big junk).
 */
export const DEFAULT_MAX_DATAGRAM_BYTES = 512;

export interface HeartbeatServerOptions {
  bind: string;
  /** 0 = any free port (tests). */
  port: number;
  replyPort: number;
  allow: AllowList;
  frame: FrameSource;
  logger: Logger;
  maxDatagramBytes?: number;
  /** `-d`: log every request and reply. */
  debug?: boolean;
  /** Receive buffer (SO_RCVBUF) so bursts are queued, not dropped, by the kernel. */
  recvBufferBytes?: number;
  count?: (name: string, n?: number) => void;
}

export interface HeartbeatStats {
  requests: number;
  replies: number;
  droppedSource: number;
  droppedOversized: number;
  sendErrors: number;
}

/**
 * Emits 'dropped' ({reason: 'source' | 'oversized', from, bytes}) for each datagram not answered and 'replied'
 * ({to, frame}) once each reply has been handed to the kernel, so callers can await outcomes.
 */
export interface HeartbeatServer extends EventEmitter {
  address(): AddressInfo;
  readonly stats: Readonly<HeartbeatStats>;
  close(): Promise<void>;
}

export async function startHeartbeatServer(opts: HeartbeatServerOptions): Promise<HeartbeatServer> {
  const { logger, allow, replyPort } = opts;
  const maxBytes = opts.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES;
  const count = opts.count ?? (() => undefined);
  const stats: HeartbeatStats = { requests: 0, replies: 0, droppedSource: 0, droppedOversized: 0, sendErrors: 0 };
  // A `::` bind is dual-stack: IPv4 sources then arrive as ::ffff:a.b.c.d, which the allow-list matches.
  const socket: Socket = createSocket({ type: isIPv6(opts.bind) ? 'udp6' : 'udp4', ...(opts.recvBufferBytes ? { recvBufferSize: opts.recvBufferBytes } : {}) });
  const events = new EventEmitter();
  let warnedSource = false;
  let warnedSend = false;

  const onSent = (err: Error | null, to: string, frame: Buffer): void => {
    if (!err) {
      stats.replies++;
      count('replies');
      if (events.listenerCount('replied') > 0) events.emit('replied', { to, frame });
      return;
    }
    stats.sendErrors++;
    count('send_errors');
    if (!warnedSend || opts.debug) logger.warn({ to, replyPort, err: err.message }, 'heartbeat: reply not sent (further ones logged with -d only)');
    warnedSend = true;
  };

  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (!allow.allows(rinfo.address)) {
      stats.droppedSource++;
      count('dropped_source');
      if (!warnedSource || opts.debug) {
        logger.warn(
          { from: rinfo.address, allow: allow.entries },
          'heartbeat: request from outside the allowed networks dropped (further ones counted, logged with -d)',
        );
      }
      warnedSource = true;
      events.emit('dropped', { reason: 'source', from: rinfo.address, bytes: msg.length });
      return;
    }
    if (msg.length > maxBytes) {
      stats.droppedOversized++;
      count('dropped_oversized');
      if (opts.debug) logger.info({ from: rinfo.address, bytes: msg.length, maxBytes }, 'heartbeat: oversized datagram dropped');
      events.emit('dropped', { reason: 'oversized', from: rinfo.address, bytes: msg.length });
      return;
    }
    stats.requests++;
    count('requests');
    const frame = opts.frame();
    if (opts.debug) {
      logger.info({ from: `${rinfo.address}:${rinfo.port}`, bytes: msg.length, to: replyPort, reply: frame.toString('hex') }, 'heartbeat: request answered');
    }
    socket.send(frame, replyPort, rinfo.address, (err) => onSent(err, rinfo.address, frame));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close();
      reject(new HeartbeatBindError(`heartbeat: cannot bind UDP ${opts.bind}:${opts.port}: ${err.message}`, { bind: opts.bind, port: opts.port }));
    };
    socket.once('error', onError);
    socket.bind(opts.port, opts.bind, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  // Never crash on a socket error (e.g. ICMP-reported failures): log, count, keep serving.
  socket.on('error', (err) => {
    count('socket_errors');
    logger.warn({ err: err.message }, 'heartbeat: UDP socket error');
  });
  const address = socket.address();
  logger.info({ bind: address.address, port: address.port, replyPort, allow: allow.entries, maxDatagramBytes: maxBytes }, 'heartbeat: listening');

  let closed: Promise<void> | undefined;
  return Object.assign(events, {
    address: () => address,
    stats,
    close() {
      closed ??= new Promise<void>((resolve) => socket.close(() => resolve()));
      return closed;
    },
  });
}

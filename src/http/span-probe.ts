import { bitChannel, POSITIONS } from '../shared/heartbeat-protocol/frame.js';
import { probe } from '../shared/heartbeat-protocol/probe-client.js';
import type { AmiqConfig } from '../shared/config/index.js';

/** One B-channel of the E1 span as the heartbeat reports it. */
export interface SpanChannel {
  position: number;
  /** The PBX's channel number (span_first_channel applied; 16, the D-channel, has no bit). */
  channel: number;
  up: boolean;
}

export interface Span {
  channels: SpanChannel[];
  /** Bit 63: the meetme-cleaner is alive (as the heartbeat judges it). */
  cleaner_alive: boolean;
  read_at: string;
}

export type SpanReading = { span: Span; error: null } | { span: null; error: string };

/** How long a reading is reused: a dashboard polling every second costs one datagram, not one per viewer. */
const FRESH_MS = 500;
const TIMEOUT_MS = 1000;

/**
 * The heartbeat keeps the span in memory and tells it only over its UDP protocol, so this asks
 * it as `amiq probe` does: one request to the local heartbeat, the reply on `reply_port`.
 * Probes are serialized (they share that port) and a reading is reused for FRESH_MS.
 */
export class SpanProbe {
  private last: { at: number; reading: SpanReading } | undefined;
  private inflight: Promise<SpanReading> | undefined;

  constructor(private readonly heartbeat: Pick<AmiqConfig['heartbeat'], 'bind' | 'port' | 'reply_port' | 'span_first_channel'>) {}

  read(): Promise<SpanReading> {
    if (this.last !== undefined && Date.now() - this.last.at < FRESH_MS) return Promise.resolve(this.last.reading);
    this.inflight ??= this.ask().then((reading) => {
      this.last = { at: Date.now(), reading };
      this.inflight = undefined;
      return reading;
    });
    return this.inflight;
  }

  private async ask(): Promise<SpanReading> {
    const hb = this.heartbeat;
    // A wildcard bind is reached on loopback.
    const host = hb.bind === '0.0.0.0' ? '127.0.0.1' : hb.bind === '::' ? '::1' : hb.bind;
    try {
      const r = await probe({ host, port: hb.port, replyPort: hb.reply_port, timeoutMs: TIMEOUT_MS });
      const up = new Set(r.positions);
      const channels = Array.from({ length: POSITIONS }, (_, bit) => ({
        position: bit + 1,
        channel: bitChannel(bit) + hb.span_first_channel - 1,
        up: up.has(bit + 1),
      }));
      return { span: { channels, cleaner_alive: r.cleanerAlive, read_at: new Date().toISOString() }, error: null };
    } catch (err) {
      return { span: null, error: `heartbeat ${host}:${hb.port}: ${(err as Error).message}` };
    }
  }
}

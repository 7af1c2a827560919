/**
 * The legacy `cad` heartbeat frame (SPEC §6): one unsigned 64-bit big-endian integer.
 * Bit 63 = meetme-cleaner alive; bits 62..30 reserved (always 0); bits 0..29 = the 30
 * B-channels of one E1 span (channel 16 is the D-channel and has no bit).
 */
export const FRAME_BYTES = 8;
/** B-channel bits, also the `-l` cycle length: positions 1..30 are bits 0..29. */
export const POSITIONS = 30;
export const D_CHANNEL = 16;
/** Channel numbers of one E1 span, relative to its first channel. */
export const SPAN_CHANNELS = 31;
const MASK_30 = 0x3fffffff;
const CLEANER_WORD = 0x80000000;

/** Bit of span-relative channel c (1..31); null for the D-channel or outside the span. */
export function channelBit(c: number): number | null {
  if (!Number.isInteger(c) || c < 1 || c > SPAN_CHANNELS || c === D_CHANNEL) return null;
  return c < D_CHANNEL ? c - 1 : c - 2;
}

/** Span-relative channel reported at `bit` (0..29). */
export function bitChannel(bit: number): number {
  return bit < D_CHANNEL - 1 ? bit + 1 : bit + 2;
}

/** Absolute DAHDI channel number → span-relative (span 2 starting at 32: 32 → 1). */
export function relativeChannel(absolute: number, spanFirstChannel: number): number {
  return absolute - spanFirstChannel + 1;
}

/** 30-bit mask of the given absolute channel numbers; those outside the span and D are ignored. */
export function channelMask(absoluteChannels: Iterable<number>, spanFirstChannel = 1): number {
  let mask = 0;
  for (const abs of absoluteChannels) {
    const bit = channelBit(relativeChannel(abs, spanFirstChannel));
    if (bit !== null) mask |= 1 << bit;
  }
  return mask >>> 0;
}

/** The 8 wire bytes; reserved bits are forced to 0 whatever `mask` holds above bit 29. */
export function encodeFrame(mask: number, cleanerAlive: boolean): Buffer {
  const buf = Buffer.allocUnsafe(FRAME_BYTES);
  buf.writeUInt32BE(cleanerAlive ? CLEANER_WORD : 0, 0);
  buf.writeUInt32BE((mask & MASK_30) >>> 0, 4);
  return buf;
}

export interface DecodedFrame {
  /** The whole value, for display (`0x...`). */
  value: bigint;
  cleanerAlive: boolean;
  /** Span-relative channels whose bit is set, ascending. */
  channels: number[];
  /** Positions 1..30 that are set (position p = bit p-1), ascending. */
  positions: number[];
  /** True when any of bits 62..30 is set: not a frame this protocol produces. */
  reservedBitsSet: boolean;
}

export function decodeFrame(buf: Buffer): DecodedFrame {
  if (buf.length !== FRAME_BYTES) throw new RangeError(`heartbeat frame must be ${FRAME_BYTES} bytes, got ${buf.length}`);
  const hi = buf.readUInt32BE(0);
  const lo = buf.readUInt32BE(4);
  const channels: number[] = [];
  const positions: number[] = [];
  for (let bit = 0; bit < POSITIONS; bit++) {
    if (lo & (1 << bit)) {
      channels.push(bitChannel(bit));
      positions.push(bit + 1);
    }
  }
  return {
    value: buf.readBigUInt64BE(0),
    cleanerAlive: (hi & CLEANER_WORD) !== 0,
    channels,
    positions,
    reservedBitsSet: (hi & ~CLEANER_WORD) !== 0 || (lo & ~MASK_30) !== 0,
  };
}

import { describe, expect, it } from 'vitest';
import { bitChannel, channelBit, channelMask, decodeFrame, encodeFrame } from '../src/shared/heartbeat-protocol/frame.js';
import { loopFrames, randomFrames } from '../src/heartbeat/frame-source.js';

const hex = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

describe('heartbeat frame (SPEC §6)', () => {
  it('encodes the worked example byte for byte: only Zap/15-1 up, cleaner not running', () => {
    const frame = encodeFrame(channelMask([15]), false);
    expect(hex(frame)).toBe('00 00 00 00 00 00 40 00');
  });

  it('puts channels 1, 15, 17 and 31 at bits 0, 14, 15 and 29', () => {
    expect(channelBit(1)).toBe(0);
    expect(channelBit(15)).toBe(14);
    expect(channelBit(17)).toBe(15);
    expect(channelBit(31)).toBe(29);
    expect(encodeFrame(channelMask([1]), false).readBigUInt64BE(0)).toBe(1n << 0n);
    expect(encodeFrame(channelMask([17]), false).readBigUInt64BE(0)).toBe(1n << 15n);
    expect(encodeFrame(channelMask([31]), false).readBigUInt64BE(0)).toBe(1n << 29n);
    expect(hex(encodeFrame(channelMask([1, 15, 17, 31]), false))).toBe('00 00 00 00 20 00 c0 01');
  });

  it('never reports the D-channel (16) nor channels outside the span', () => {
    expect(channelBit(16)).toBeNull();
    expect(channelBit(0)).toBeNull();
    expect(channelBit(32)).toBeNull();
    expect(channelMask([16])).toBe(0);
    expect(channelMask([0, 32, 100, -1])).toBe(0);
  });

  it('maps every bit back to its channel, skipping 16', () => {
    const channels = Array.from({ length: 30 }, (_, bit) => bitChannel(bit));
    expect(channels).toEqual([...Array.from({ length: 15 }, (_, i) => i + 1), ...Array.from({ length: 15 }, (_, i) => i + 17)]);
    for (const c of channels) expect(bitChannel(channelBit(c)!)).toBe(c);
  });

  it('sets bit 63 (the first bit on the wire) when the cleaner is alive', () => {
    expect(hex(encodeFrame(0, true))).toBe('80 00 00 00 00 00 00 00');
    expect(hex(encodeFrame(channelMask([15]), true))).toBe('80 00 00 00 00 00 40 00');
  });

  it('keeps reserved bits 62..30 at zero whatever the mask holds', () => {
    const frame = encodeFrame(0xffffffff, true);
    expect(hex(frame)).toBe('80 00 00 00 3f ff ff ff');
    expect(decodeFrame(frame).reservedBitsSet).toBe(false);
    expect(decodeFrame(Buffer.from('4000000000000000', 'hex')).reservedBitsSet).toBe(true);
    expect(decodeFrame(Buffer.from('0000000040000000', 'hex')).reservedBitsSet).toBe(true);
  });

  it('counts channel numbers relative to the span first channel (span 2 starts at 32)', () => {
    expect(channelMask([32], 32)).toBe(1);
    expect(channelMask([46], 32)).toBe(1 << 14);
    expect(channelMask([47], 32)).toBe(0); // span 2's D-channel
    expect(channelMask([48, 62], 32)).toBe((1 << 15) | (1 << 29));
    expect(channelMask([1, 15, 31, 63], 32)).toBe(0);
  });

  it('decodes what it encodes', () => {
    const d = decodeFrame(encodeFrame(channelMask([2, 15, 17, 30]), true));
    expect(d).toMatchObject({ cleanerAlive: true, channels: [2, 15, 17, 30], positions: [2, 15, 16, 29], reservedBitsSet: false });
    expect(() => decodeFrame(Buffer.alloc(7))).toThrow(RangeError);
  });
});

describe('test modes', () => {
  it('-l: the n-th reply shows only position ((n-1) mod 30)+1 up, cleaner bit clear', () => {
    const next = loopFrames();
    for (let n = 1; n <= 65; n++) {
      const d = decodeFrame(next());
      expect(d.positions).toEqual([((n - 1) % 30) + 1]);
      expect(d.cleanerAlive).toBe(false);
    }
  });

  it('-t: random statuses with reserved bits zero', () => {
    const next = randomFrames();
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const frame = next();
      expect(frame.length).toBe(8);
      expect(decodeFrame(frame).reservedBitsSet).toBe(false);
      seen.add(frame.toString('hex'));
    }
    expect(seen.size).toBeGreaterThan(400);
    const fixed = randomFrames(() => 0.25);
    expect(hex(fixed())).toBe('80 00 00 00 10 00 00 00');
  });
});

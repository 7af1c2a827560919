import { e1ChannelNumber } from './channel-name.js';
import type { ChannelMap } from './channel-map.js';
import { POSITIONS, channelMask, encodeFrame } from '../shared/heartbeat-protocol/frame.js';

/** The 8 bytes of the next reply. Buffers may be shared between replies: never mutate one. */
export type FrameSource = () => Buffer;

/** Mask of the E1 channels in a counted state, relative to the span's first channel. */
export function e1Mask(channels: ReadonlyMap<string, string | undefined>, spanFirstChannel: number, isCounted: (state: string | undefined) => boolean): number {
  const up: number[] = [];
  for (const [name, state] of channels) {
    const c = e1ChannelNumber(name);
    if (c !== null && isCounted(state)) up.push(c);
  }
  return channelMask(up, spanFirstChannel);
}

export interface LiveFrameOptions {
  map: ChannelMap;
  cleanerAlive: () => boolean;
  staleMs: number;
  now?: () => number;
}

/** Normal mode: channel states from the AMI map, bit 63 from the cached cleaner status. */
export function liveFrames(opts: LiveFrameOptions): FrameSource {
  const now = opts.now ?? Date.now;
  let last = encodeFrame(0, false);
  let lastMask = 0;
  let lastAlive = false;
  return () => {
    const mask = opts.map.mask(now(), opts.staleMs);
    const alive = opts.cleanerAlive();
    if (mask !== lastMask || alive !== lastAlive) {
      last = encodeFrame(mask, alive);
      lastMask = mask;
      lastAlive = alive;
    }
    return last;
  };
}

/** `-t`: random channel bits and cleaner bit on every reply; reserved bits stay 0. */
export function randomFrames(random: () => number = Math.random): FrameSource {
  return () => encodeFrame(Math.floor(random() * 2 ** POSITIONS), random() < 0.5);
}

/** `-l`: the n-th reply has only position ((n-1) mod 30)+1 up, i.e. bit (n-1) mod 30. */
export function loopFrames(): FrameSource {
  const frames = Array.from({ length: POSITIONS }, (_, bit) => encodeFrame(1 << bit, false));
  let n = 0;
  return () => frames[n++ % POSITIONS]!;
}

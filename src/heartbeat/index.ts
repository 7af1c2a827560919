import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AmiClient } from '../shared/ami/client.js';
import { amiClientOptions, type AmiqConfig } from '../shared/config/index.js';
import type { Database, WorkerRow } from '../shared/db/schema.js';
import { isAlive, type WorkerContext } from '../shared/worker/index.js';
import { createAllowList } from './allow-list.js';
import { ChannelMap } from './channel-map.js';
import { countedStates } from './channel-states.js';
import { ChannelTracker } from './channel-tracker.js';
import { CleanerStatus } from './cleaner-status.js';
import { e1Mask, liveFrames, loopFrames, randomFrames, type FrameSource } from './frame-source.js';
import { checkHeartbeatSettings, heartbeatSettings, type HeartbeatSettings } from './settings.js';
import { startHeartbeatServer } from './udp-server.js';

export interface HeartbeatModes {
  /** `-d`: log every request and reply. */
  debug?: boolean;
  /** `-t`: no Asterisk, random statuses. */
  test?: boolean;
  /** `-l`: no Asterisk, the n-th reply shows only position ((n-1) mod 30)+1. */
  loop?: boolean;
}

/** The parts of the amiq config the heartbeat reads (SPEC §10). */
export type HeartbeatRunConfig = Pick<AmiqConfig, 'server' | 'ami' | 'heartbeat' | 'workers'>;

/** What the heartbeat uses of core's worker context. */
export type HeartbeatWorkerContext = Pick<WorkerContext, 'count' | 'setAmiState'>;

export interface RunHeartbeatOptions {
  config: HeartbeatRunConfig;
  db: Kysely<Database>;
  logger: Logger;
  signal: AbortSignal;
  ctx: HeartbeatWorkerContext;
  /** Default core's isAlive, so bit 63 agrees with `amiq keepalive`. */
  isAlive?: (row: WorkerRow, now: number, beatSeconds: number) => boolean;
  modes?: HeartbeatModes;
  /** Overrides of `[heartbeat]` (tests bind port 0 and a probe's reply port). */
  settings?: Partial<HeartbeatSettings>;
  onListening?: (address: AddressInfo) => void;
}

/**
 * `amiq run heartbeat`: answers UDP requests with the E1 bitmap until `signal` aborts.
 * Normal mode keeps channel states from one persistent AMI connection (ChannelTracker) and
 * bit 63 from the workers table (CleanerStatus); `-t`/`-l` need neither Asterisk nor the cleaner.
 */
export async function runHeartbeat(opts: RunHeartbeatOptions): Promise<void> {
  const { config, logger, ctx, modes = {} } = opts;
  const settings = checkHeartbeatSettings({ ...heartbeatSettings(config.heartbeat), ...opts.settings });
  const allow = createAllowList(settings.allow);
  const stops: Array<() => Promise<void> | void> = [];
  try {
    let frame: FrameSource;
    if (modes.test || modes.loop) {
      ctx.setAmiState('n/a');
      frame = modes.loop ? loopFrames() : randomFrames();
      logger.info({ mode: modes.loop ? 'loop (-l)' : 'random (-t)' }, 'heartbeat: test mode, no Asterisk');
    } else {
      frame = await startLive(opts, settings, stops);
    }
    const server = await startHeartbeatServer({
      bind: settings.bind,
      port: settings.port,
      replyPort: settings.replyPort,
      allow,
      frame,
      logger,
      maxDatagramBytes: settings.maxDatagramBytes,
      debug: modes.debug ?? false,
      recvBufferBytes: 1 << 20,
      count: (name, n) => ctx.count(name, n),
    });
    stops.push(() => server.close());
    opts.onListening?.(server.address());
    if (!opts.signal.aborted) await new Promise((resolve) => opts.signal.addEventListener('abort', resolve, { once: true }));
    logger.info({ stats: server.stats }, 'heartbeat: stopping');
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

async function startLive(opts: RunHeartbeatOptions, settings: HeartbeatSettings, stops: Array<() => Promise<void> | void>): Promise<FrameSource> {
  const { config, logger, ctx } = opts;
  const cleaner = new CleanerStatus({
    db: opts.db,
    server: config.server.name,
    beatSeconds: config.workers.beat_seconds,
    isAlive: opts.isAlive ?? isAlive,
    logger,
    refreshMs: settings.cleanerRefreshMs,
  });
  await cleaner.start();
  stops.push(() => cleaner.stop());
  // Only the call class: Newchannel/Newstate/Hangup/Rename, not every other event Asterisk has.
  const client = new AmiClient(amiClientOptions(config.ami, 'heartbeat', logger, { events: 'call' }));
  client.on('state', (state: string) => ctx.setAmiState(state));
  const counted = countedStates(settings.countedStates);
  const map = new ChannelMap((channels) => e1Mask(channels, settings.spanFirstChannel, counted));
  const tracker = new ChannelTracker({ ami: client, map, logger, resyncMs: settings.resyncMs, staleMs: settings.staleMs, count: (n, k) => ctx.count(n, k) });
  tracker.start();
  client.start();
  stops.push(() => client.stop());
  stops.push(() => tracker.stop());
  return liveFrames({ map, cleanerAlive: () => cleaner.alive(), staleMs: settings.staleMs });
}

import type { Logger } from 'pino';
import type { AmiPort } from '../shared/ami/ami-port.js';
import type { AmiMessage } from '../shared/ami/message.js';
import { channelChange, listedFromConcise, listedFromCoreShowChannels } from './channel-events.js';
import type { ChannelMap, ListedChannel } from './channel-map.js';

export interface ChannelTrackerOptions {
  /** AmiClient; a fake in unit tests. */
  ami: Pick<AmiPort, 'connected' | 'on' | 'off' | 'sendList' | 'command'>;
  map: ChannelMap;
  logger: Logger;
  /** Full listing period; also how often staleness is checked. */
  resyncMs: number;
  /** Older data is reported as all channels down. */
  staleMs: number;
  listTimeoutMs?: number;
  now?: () => number;
  count?: (name: string, n?: number) => void;
}

/** CoreShowChannels (1.6+), else the CLI listing through Command (1.4: no CoreShowChannels). */
const LISTING_METHODS = ['CoreShowChannels', 'core show channels concise', 'show channels concise'] as const;
type ListingMethod = (typeof LISTING_METHODS)[number];

class ListingUnsupported extends Error {}

/**
 * Keeps a ChannelMap in step with Asterisk over one persistent AMI connection.
 *
 * Choice (a): a live map from call events (Newchannel/Newstate/Hangup/Rename) plus a full
 * listing on every (re)connect and every `resyncMs`. Why: the AMI load is then a fixed trickle
 * (one listing per period, events Asterisk sends anyway) and does not depend on the UDP request
 * rate at all; a request never waits for Asterisk; and an E1 bit changes as soon as the event
 * arrives instead of up to one cache age later. The periodic listing repairs anything events
 * missed (a reconnect gap, an unknown rename).
 */
export class ChannelTracker {
  private method: ListingMethod = 'CoreShowChannels';
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private outageSince: number | null = null;
  private staleLogged = false;
  private listingFailing = false;
  private readonly now: () => number;
  private readonly onEvent = (msg: AmiMessage): void => {
    const change = channelChange(msg);
    if (change) this.opts.map.apply(change, this.now());
  };
  private readonly onConnected = (): void => {
    if (this.outageSince !== null) {
      this.opts.logger.info({ outageMs: this.now() - this.outageSince }, 'heartbeat: AMI connection back, relisting channels');
    }
    this.outageSince = null;
    void this.resync();
  };
  private readonly onDisconnected = (err?: Error): void => {
    if (this.outageSince !== null) return;
    this.outageSince = this.now();
    this.opts.logger.warn(
      { err: err?.message, staleMs: this.opts.staleMs },
      'heartbeat: AMI connection lost; answering from the last known channel states until they are stale',
    );
  };

  constructor(private readonly opts: ChannelTrackerOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    const ami = this.opts.ami;
    ami.on('event', this.onEvent);
    ami.on('connected', this.onConnected);
    ami.on('disconnected', this.onDisconnected);
    this.timer = setInterval(() => this.tick(), this.opts.resyncMs);
    if (ami.connected) void this.resync();
  }

  stop(): void {
    clearInterval(this.timer);
    const ami = this.opts.ami;
    ami.off('event', this.onEvent);
    ami.off('connected', this.onConnected);
    ami.off('disconnected', this.onDisconnected);
  }

  get listingMethod(): string {
    return this.method;
  }

  /** One full listing; concurrent calls share the one in flight. Never rejects. */
  resync(): Promise<void> {
    this.inFlight ??= this.listOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private tick(): void {
    const now = this.now();
    if (this.opts.map.isStale(now, this.opts.staleMs)) {
      if (!this.staleLogged) {
        this.opts.logger.warn({ staleMs: this.opts.staleMs }, 'heartbeat: channel states are stale, reporting every channel down');
      }
      this.staleLogged = true;
    }
    if (this.opts.ami.connected) void this.resync();
  }

  private async listOnce(): Promise<void> {
    const { map, logger } = this.opts;
    for (;;) {
      map.beginListing();
      try {
        const listed = await this.list(this.method);
        map.completeListing(listed, this.now());
        this.opts.count?.('listings');
        if (this.listingFailing || this.staleLogged) logger.info({ method: this.method }, 'heartbeat: channel listing works again');
        this.listingFailing = false;
        this.staleLogged = false;
        return;
      } catch (err) {
        map.abortListing();
        const next = LISTING_METHODS[LISTING_METHODS.indexOf(this.method) + 1];
        if (err instanceof ListingUnsupported && next !== undefined) {
          logger.info({ method: this.method, next, reason: err.message }, 'heartbeat: channel listing not supported, trying the next form');
          this.method = next;
          continue;
        }
        this.opts.count?.('listing_errors');
        if (!this.listingFailing) {
          logger.warn({ method: this.method, err: (err as Error).message }, 'heartbeat: channel listing failed (logged once until it works)');
        }
        this.listingFailing = true;
        return;
      }
    }
  }

  private async list(method: ListingMethod): Promise<ListedChannel[]> {
    const timeoutMs = this.opts.listTimeoutMs;
    if (method === 'CoreShowChannels') {
      const { response, events } = await this.opts.ami.sendList('CoreShowChannels', undefined, { timeoutMs });
      if (response.get('Response')?.toLowerCase() === 'error') {
        const message = response.get('Message') ?? '';
        if (/invalid\/unknown command/i.test(message)) throw new ListingUnsupported(message);
        throw new Error(`CoreShowChannels: ${message}`);
      }
      return listedFromCoreShowChannels(events);
    }
    const { response, output } = await this.opts.ami.command(method, { timeoutMs });
    if (output.some((line) => /^no such command/i.test(line.trim()))) throw new ListingUnsupported(output.join(' '));
    if (response.get('Response')?.toLowerCase() === 'error') {
      throw new Error(`Command ${method}: ${response.get('Message') ?? output.join(' ')}`);
    }
    return listedFromConcise(output);
  }
}

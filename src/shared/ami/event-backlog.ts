import type { AmiMessage } from './message.js';

export interface BacklogHooks {
  /** One event dropped for a full consumer; `first` marks the start of an overflow episode. */
  onDrop(first: boolean): void;
  /** The consumer caught up (queue at half) after dropping `dropped` events. */
  onRecover(dropped: number): void;
}

export const DEFAULT_MAX_EVENT_BACKLOG = 10_000;

/**
 * Events for consumers that await (a DB write per event, say). The socket is never paused for
 * them, since Asterisk drops a client that stops reading, so each consumer gets its own queue of
 * at most `max` events; beyond that new events are dropped for that consumer and counted. The
 * synchronous 'event' emitter of the client is not bounded here: it gets every event.
 */
export class EventBacklog {
  private readonly consumers = new Set<BacklogConsumer>();

  constructor(
    private readonly max: number,
    private readonly hooks: BacklogHooks,
  ) {}

  subscribe(): AsyncIterableIterator<AmiMessage> {
    const consumer = new BacklogConsumer(this.max, this.hooks, () => this.consumers.delete(consumer));
    this.consumers.add(consumer);
    return consumer;
  }

  push(msg: AmiMessage): void {
    for (const c of this.consumers) c.push(msg);
  }

  /** The client stopped: consumers finish once they have drained what they hold. */
  close(): void {
    for (const c of this.consumers) c.close();
    this.consumers.clear();
  }
}

class BacklogConsumer implements AsyncIterableIterator<AmiMessage> {
  private items: AmiMessage[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<AmiMessage>) => void) | undefined;
  private closed = false;
  private dropped = 0;

  constructor(
    private readonly max: number,
    private readonly hooks: BacklogHooks,
    private readonly unsubscribe: () => void,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(msg: AmiMessage): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: msg, done: false });
      return;
    }
    if (this.length >= this.max) {
      this.dropped++;
      this.hooks.onDrop(this.dropped === 1);
      return;
    }
    this.items.push(msg);
  }

  next(): Promise<IteratorResult<AmiMessage>> {
    if (this.length > 0) {
      const value = this.items[this.head++]!;
      this.compact();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<AmiMessage>> {
    this.close();
    this.items = [];
    this.head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AmiMessage> {
    return this;
  }

  private compact(): void {
    if (this.dropped > 0 && this.length <= this.max / 2) {
      this.hooks.onRecover(this.dropped);
      this.dropped = 0;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

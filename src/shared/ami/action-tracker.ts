import type { Logger } from 'pino';
import type { AmiMessage } from './message.js';
import { AmiConnectionLostError, AmiNotConnectedError, AmiTimeoutError } from './errors.js';

/** What an action resolves with: its Response, and for list actions the items and the closing event. */
export interface ActionResult {
  response: AmiMessage;
  events: AmiMessage[];
  /** The `<X>Complete` event that closed a list (ListItems is there). */
  complete?: AmiMessage;
}

interface Pending {
  actionId: string;
  action: string;
  list: boolean;
  timeoutMs: number;
  written: boolean;
  /** Set once the Response of a list action arrived and its items are being collected. */
  response?: AmiMessage;
  events: AmiMessage[];
  timer: NodeJS.Timeout;
  resolve: (r: ActionResult) => void;
  reject: (e: Error) => void;
}

const MAX_TOMBSTONES = 256;

/**
 * A Success that opens a list: `EventList: start` (1.6+), or a legacy list's `... will follow`
 * (1.4 Status, QueueStatus, Agents). Anything else (an Error, a plain-name Hangup's
 * `Channel Hungup`) carries no list and resolves with no events.
 */
function announcesList(msg: AmiMessage): boolean {
  if (msg.get('Response')?.toLowerCase() !== 'success') return false;
  return msg.get('EventList')?.toLowerCase() === 'start' || /will follow/i.test(msg.get('Message') ?? '');
}

/**
 * The actions of one client: one promise per action with its own timeout, replies matched by
 * ActionID. Asterisk answers the actions of a session in order, so a reply without ActionID
 * (1.6 Ping and Events) belongs to the oldest written action still awaiting one. A timed-out
 * action keeps its place in that FIFO as a tombstone, so its late reply is absorbed instead of
 * being taken for the next action's; a reply matched by ActionID proves the tombstones ahead of
 * it will never be answered and clears them.
 */
export class ActionTracker {
  private readonly pending = new Map<string, Pending>();
  /**
   * Written actions awaiting their Response, in write order (a Map keeps insertion order and
   * deletes in O(1)); the value says whether the action timed out and stays as a tombstone.
   */
  private readonly awaiting = new Map<string, boolean>();
  private tombstones = 0;

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.pending.size;
  }

  has(actionId: string): boolean {
    return this.pending.has(actionId);
  }

  /** Start tracking an action about to be written; its timeout runs from now. */
  register(actionId: string, action: string, list: boolean, timeoutMs: number): Promise<ActionResult> {
    return new Promise<ActionResult>((resolve, reject) => {
      const p: Pending = {
        actionId,
        action,
        list,
        timeoutMs,
        written: false,
        events: [],
        resolve,
        reject,
        timer: setTimeout(() => this.timeout(p), timeoutMs),
      };
      this.pending.set(actionId, p);
    });
  }

  /** Called right before the bytes go to the socket; false when the action is already settled. */
  markWritten(actionId: string): boolean {
    const p = this.pending.get(actionId);
    if (!p) return false;
    p.written = true;
    // A reused ActionID goes to the back of the FIFO, not to its old tombstone's place.
    this.dropAwaiting(actionId);
    this.awaiting.set(actionId, false);
    return true;
  }

  handleResponse(msg: AmiMessage): void {
    const actionId = msg.get('ActionID');
    const p = actionId === undefined ? this.takeOldest() : this.take(actionId);
    if (!p) return;
    if (!p.list) return this.settle(p, { response: msg, events: [] });
    if (!announcesList(msg)) return this.settle(p, { response: msg, events: [] });
    // From here the timeout guards progress: it restarts with each item of a long list.
    p.response = msg;
    this.restartTimer(p);
  }

  /** True when the event was an item or the end of a list being collected (the caller then skips it). */
  handleEvent(msg: AmiMessage): boolean {
    const actionId = msg.get('ActionID');
    if (actionId === undefined) return false;
    const p = this.pending.get(actionId);
    if (!p?.list || !p.response) return false;
    // EventList lists end with `EventList: Complete`; legacy ones (1.4 Status, QueueStatus) with `<X>Complete`.
    const ends = msg.get('EventList')?.toLowerCase() === 'complete' || /complete$/i.test(msg.eventName ?? '');
    if (ends) {
      this.settle(p, { response: p.response, events: p.events, complete: msg });
    } else {
      p.events.push(msg);
      this.restartTimer(p);
    }
    return true;
  }

  /**
   * The connection is gone: written actions may or may not have reached Asterisk
   * (AmiConnectionLostError, never re-sent); unwritten ones certainly did not (AmiNotConnectedError).
   */
  failAll(cause: Error | undefined): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.awaiting.clear();
    this.tombstones = 0;
    for (const p of all) {
      clearTimeout(p.timer);
      const context = { actionId: p.actionId, action: p.action, cause: cause?.message };
      p.reject(
        p.written
          ? new AmiConnectionLostError(`${p.action} ${p.actionId}: connection lost before the reply; not re-sent`, context)
          : new AmiNotConnectedError(`${p.action} ${p.actionId}: connection lost before it was written`, context),
      );
    }
  }

  private take(actionId: string): Pending | undefined {
    if (this.awaiting.has(actionId)) {
      // Replies come in order, so the tombstones ahead of this one will never be answered.
      for (const [id, timedOut] of this.awaiting) {
        if (id === actionId) break;
        if (timedOut) this.dropAwaiting(id);
      }
      this.dropAwaiting(actionId);
    }
    const p = this.pending.get(actionId);
    if (!p || !p.written || p.response) {
      this.log.debug({ actionId }, 'AMI reply for no pending action (late reply to a timed-out action?); ignored');
      return undefined;
    }
    return p;
  }

  private takeOldest(): Pending | undefined {
    const head = this.awaiting.entries().next();
    const [actionId, timedOut] = head.done ? [undefined, true] : head.value;
    if (actionId !== undefined) this.dropAwaiting(actionId);
    const p = timedOut || actionId === undefined ? undefined : this.pending.get(actionId);
    if (!p) this.log.debug({ actionId }, 'AMI reply without ActionID for no pending action; ignored');
    return p;
  }

  private dropAwaiting(actionId: string): void {
    if (this.awaiting.get(actionId)) this.tombstones--;
    this.awaiting.delete(actionId);
  }

  private restartTimer(p: Pending): void {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.timeout(p), p.timeoutMs);
  }

  private settle(p: Pending, result: ActionResult): void {
    clearTimeout(p.timer);
    this.pending.delete(p.actionId);
    p.resolve(result);
  }

  private timeout(p: Pending): void {
    if (this.pending.get(p.actionId) !== p) return;
    this.pending.delete(p.actionId);
    if (this.awaiting.has(p.actionId)) {
      this.awaiting.set(p.actionId, true);
      if (++this.tombstones > MAX_TOMBSTONES) {
        for (const [id, timedOut] of this.awaiting) {
          if (timedOut) {
            this.dropAwaiting(id);
            break;
          }
        }
      }
    }
    const stage = p.response ? `list items stalled for ${p.timeoutMs} ms` : `no reply within ${p.timeoutMs} ms`;
    p.reject(
      new AmiTimeoutError(`${p.action} ${p.actionId}: ${stage}`, {
        actionId: p.actionId,
        action: p.action,
        timeoutMs: p.timeoutMs,
        written: p.written,
      }),
    );
  }
}

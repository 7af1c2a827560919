import type { Logger } from 'pino';
import type { ActionResult } from '../shared/ami/action-tracker.js';
import type { AmiPort } from '../shared/ami/ami-port.js';
import { AmiConnectionLostError, AmiNotConnectedError, AmiSerializeError, AmiTimeoutError } from '../shared/ami/errors.js';
import type { AmiMessage } from '../shared/ami/message.js';
import { LOOP_LOCK_WAIT_MS, transactionWithLockWait, unlessBusy, withBusyTimeout } from '../shared/db/index.js';
import type { QueueRow } from '../shared/db/schema.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import {
  claimRows,
  expireRows,
  findOriginateByCallerid,
  markInvalid,
  markSent,
  markUnsentFailed,
  nextNotBefore,
  recoverAfterCrash,
  type QueueDb,
} from '../shared/queue/index.js';
import { buildAction, type BuiltAction } from './build-action.js';
import { keepListItems } from './list-result.js';
import { OutcomeRecorder, type Outcome } from './outcomes.js';
import { resolveCallChannel } from './resolve-call.js';
import { RateLimit } from './rate-limit.js';
import { validateRow, type SenderPolicy } from '../shared/row-rules/index.js';
import { Wakeup } from './wakeup.js';

export interface SenderOptions {
  server: string;
  policy: SenderPolicy;
  ratePerSecond: number;
  /** At most this many actions awaiting a response; 0 = no cap. */
  maxInFlight: number;
  responseTimeoutMs: number;
  ttlSeconds: number;
  /** How long a stop waits for in-flight responses before marking the rest LOST. */
  drainMs: number;
  /** Rows taken by one claim at most. */
  batchMax?: number;
  /** How often NEW rows are checked for expiry. */
  expireEveryMs?: number;
}

export interface SenderHooks {
  count(name: string, n?: number): void;
  setError(err: unknown): void;
}

/** A row to write; actedOn: the channel a Redirect/Hangup by callerid resolved to. */
type Ready = { row: QueueRow; built: BuiltAction; actedOn: string | null };

const IDLE_WAIT_MS = 1000;
/**
 * The window rate_per_second is counted over: a second, plus a margin for the way to Asterisk,
 * so that sends delayed on it by up to 20 ms more than those before them still reach Asterisk at
 * most N in any second.
 */
const RATE_WINDOW_MS = 1020;
/** After a claim found the database locked by another process: look again this soon. */
const BUSY_WAIT_MS = 25;
/**
 * Responses waiting to be recorded (the database down or locked) beyond which nothing new is
 * claimed: what Asterisk answered is kept in memory until it can be written, and that memory is
 * bounded (max_in_flight when set).
 */
export const UNRECORDED_MAX = 1000;

/**
 * The action-sender: claims NEW rows only while logged in, validates them, commits SENT before
 * writing, writes each exactly once and records what Asterisk answered. Wakes on the change
 * signal (wire it to `wake()`), a response, a reconnect or a timer; never polls busily.
 */
export class ActionSender {
  private readonly wakeup = new Wakeup();
  private readonly rateLimit: RateLimit;
  private readonly outcomes: OutcomeRecorder;
  /** Rows written and awaiting their response, by id. */
  private readonly inFlight = new Set<number>();
  private lastExpire = 0;
  private errorDelayMs = 50;
  /** Rows judged INVALID come as fast as clients insert them: their warnings are rate-limited. */
  private readonly rowLog: RateLimitedLog;

  constructor(
    private readonly db: QueueDb,
    private readonly client: Pick<AmiPort, 'connected' | 'sendList' | 'on'>,
    private readonly opts: SenderOptions,
    private readonly logger: Logger,
    private readonly hooks: SenderHooks,
  ) {
    this.rateLimit = new RateLimit(opts.ratePerSecond, Date.now(), RATE_WINDOW_MS);
    this.rowLog = new RateLimitedLog(logger);
    this.outcomes = new OutcomeRecorder(
      db,
      logger,
      hooks,
      (err) => hooks.setError(err),
      () => this.wake(),
    );
    client.on('connected', () => this.wake());
  }

  /** Something may have changed (a commit, a reconnect): look again now. */
  wake(): void {
    this.wakeup.notify();
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async run(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => this.wake();
    signal.addEventListener('abort', onAbort);
    try {
      const rec = await recoverAfterCrash(this.db, this.opts.server);
      if (rec.requeued + rec.lost > 0) this.logger.warn(rec, 'recovered rows left by a previous sender');
      this.hooks.count('recovered_new', rec.requeued);
      this.hooks.count('recovered_lost', rec.lost);
      while (!signal.aborted) {
        try {
          await this.turn();
          this.errorDelayMs = 50;
        } catch (err) {
          this.logger.error({ err }, 'sender turn failed; retrying');
          this.hooks.setError(err);
          await this.wakeup.wait(this.errorDelayMs);
          this.errorDelayMs = Math.min(this.errorDelayMs * 2, 5000);
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      await this.drain();
    }
  }

  /** One pass: expire, claim what capacity allows, send; or sleep until there may be work. */
  private async turn(): Promise<void> {
    const now = Date.now();
    const expireEvery = this.opts.expireEveryMs ?? 1000;
    // Rows expire even while Asterisk is unreachable: their clients learn it from the row.
    if (now - this.lastExpire >= expireEvery) {
      this.lastExpire = now;
      // A sweep that finds the database locked is skipped; the next one expires the same rows.
      const sweep = { server: this.opts.server, ttlSeconds: this.opts.ttlSeconds, now };
      const expired = await withBusyTimeout(this.db, LOOP_LOCK_WAIT_MS, (conn) => expireRows(conn, sweep)).catch(unlessBusy(0));
      if (expired > 0) this.hooks.count('expired', expired);
    }
    if (!this.client.connected) return this.wakeup.wait(Math.min(IDLE_WAIT_MS, expireEvery));
    const free = this.opts.maxInFlight > 0 ? this.opts.maxInFlight - this.inFlight.size : Number.POSITIVE_INFINITY;
    if (free <= 0) return this.wakeup.wait(IDLE_WAIT_MS);
    if (this.outcomes.pending >= (this.opts.maxInFlight > 0 ? this.opts.maxInFlight : UNRECORDED_MAX)) return this.wakeup.wait(BUSY_WAIT_MS);
    const tokens = this.rateLimit.available(now);
    if (tokens < 1) return this.wakeup.wait(this.rateLimit.msUntilNext(now));
    const limit = Math.min(free, tokens, this.opts.batchMax ?? 200);
    const batch = await this.claimAndMark(limit, now);
    if (batch === 'busy') return this.wakeup.wait(BUSY_WAIT_MS);
    if (batch === null) return this.wakeup.wait(await this.idleMs(now, expireEvery));
    this.rateLimit.take(batch.length);
    for (const r of batch) this.write(r);
  }

  /** Sleep until the next not_before or the next expiry sweep, whichever is first. */
  private async idleMs(now: number, expireEvery: number): Promise<number> {
    const next = await nextNotBefore(this.db, this.opts.server, now);
    return Math.max(1, Math.min(expireEvery, next === null ? expireEvery : next - now));
  }

  /**
   * The claim and the SENT mark in one short transaction: one commit per batch, and if anything
   * fails the rows simply stay NEW. Rows breaking a rule become INVALID, Redirect/Hangup of an
   * ended call FAILED, in the same commit. Returns the rows to write, null if none was due, or
   * 'busy' when another process held the write lock: then nothing was claimed and nothing is
   * written (the event loop, reading AMI, waits LOOP_LOCK_WAIT_MS for the lock at most).
   */
  private async claimAndMark(limit: number, now: number): Promise<Ready[] | null | 'busy'> {
    const claim = async (trx: QueueDb) => {
      const rows = await claimRows(trx, { server: this.opts.server, limit, ttlSeconds: this.opts.ttlSeconds, now });
      if (rows.length === 0) return null;
      const invalid: Array<{ id: number; message: string }> = [];
      const failed: Array<{ id: number; message: string }> = [];
      const ready: Ready[] = [];
      for (const row of rows) {
        const v = validateRow(row, this.opts.policy);
        if (!v.ok) {
          invalid.push({ id: row.id, message: v.message });
          continue;
        }
        let channel = v.plan.channel;
        if (v.plan.byCallerid !== null) {
          const r = resolveCallChannel(v.plan.byCallerid, await findOriginateByCallerid(trx, this.opts.server, v.plan.byCallerid));
          if (!r.ok) {
            failed.push({ id: row.id, message: r.message });
            continue;
          }
          channel = r.channel;
        }
        const b = buildAction(row, v.plan, channel);
        if (b.ok) ready.push({ row, built: b.built, actedOn: v.plan.byCallerid !== null ? channel : null });
        else invalid.push({ id: row.id, message: b.message });
      }
      for (const i of invalid) await markInvalid(trx, i.id, i.message);
      for (const f of failed) await markUnsentFailed(trx, f.id, f.message);
      const sent = await markSent(
        trx,
        ready.map((r) => ({ id: r.row.id, actionId: r.built.actionId, callerid: r.built.generatedCallerid, channel: r.actedOn })),
      );
      return { claimed: rows.length, invalid, failed, ready: ready.filter((r) => sent.has(r.row.id)) };
    };
    const result = await transactionWithLockWait(this.db, LOOP_LOCK_WAIT_MS, claim).catch(unlessBusy('busy' as const));
    if (result === null || result === 'busy') return result;
    this.hooks.count('claimed', result.claimed);
    if (result.invalid.length > 0) this.hooks.count('invalid', result.invalid.length);
    if (result.failed.length > 0) this.hooks.count('failed_unsent', result.failed.length);
    for (const i of result.invalid) this.rowLog.warn('invalid', { rowId: i.id, reason: i.message }, 'row INVALID, not sent');
    for (const f of result.failed) this.rowLog.warn('failed', { rowId: f.id, reason: f.message }, 'row FAILED, not sent');
    return result.ready;
  }

  private write({ row, built }: Ready): void {
    this.inFlight.add(row.id);
    this.hooks.count('sent');
    this.client.sendList(built.action, built.headers, { actionId: built.actionId, timeoutMs: this.opts.responseTimeoutMs }).then(
      (res) => this.settle(row.id, responseOutcome(row.id, res)),
      (err: unknown) => this.settle(row.id, outcomeOfError(row.id, err, this.opts.responseTimeoutMs)),
    );
  }

  private settle(id: number, outcome: Outcome): void {
    if (!this.inFlight.delete(id)) return; // already given up on by a stop
    if (outcome.kind === 'lost') this.logger.warn({ rowId: id, reason: outcome.message }, 'row LOST, never re-sent');
    this.outcomes.add(outcome);
    this.wake();
  }

  /** Stop: no new claims; await in-flight responses for drainMs, then LOST for the rest. */
  private async drain(): Promise<void> {
    const deadline = Date.now() + this.opts.drainMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await this.wakeup.wait(deadline - Date.now());
    if (this.inFlight.size > 0) {
      this.logger.warn({ rows: this.inFlight.size }, 'stopping with responses outstanding: LOST');
      for (const id of [...this.inFlight]) this.settle(id, { kind: 'lost', id, message: 'sender stopped before the response arrived; not re-sent' });
    }
    for (let attempt = 0; attempt < 20 && this.outcomes.pending > 0; attempt++) {
      await this.outcomes.flush();
      if (this.outcomes.pending > 0) await new Promise((r) => setTimeout(r, 100));
    }
    this.rowLog.flush();
  }
}

/** The Response, and a list action's items (bounded; the message says when some were left out). */
function responseOutcome(id: number, { response, events }: ActionResult): Outcome {
  const kept = keepListItems(events);
  const message = responseMessage(response);
  return {
    kind: 'response',
    id,
    response: response.get('Response') ?? '',
    message: kept.truncated === null ? message : `${message ?? ''}; ${kept.truncated}`,
    items: kept.items,
  };
}

/** Asterisk's Message; for Command, the output lines (e.g. a meetme kick's answer). */
function responseMessage(res: AmiMessage): string | null {
  const output = res.body !== undefined ? res.body.trimEnd() : res.all('Output').join('\n');
  return output !== '' ? output : (res.get('Message') ?? null);
}

/** Map a send failure to the row's fate, by the AMI client's error classes. */
export function outcomeOfError(id: number, err: unknown, timeoutMs: number): Outcome {
  if (err instanceof AmiNotConnectedError) return { kind: 'release', id };
  if (err instanceof AmiSerializeError) return { kind: 'invalid', id, message: `refused by the AMI serializer: ${err.message}` };
  if (err instanceof AmiTimeoutError) return { kind: 'lost', id, message: `no response within ${timeoutMs} ms; not re-sent` };
  if (err instanceof AmiConnectionLostError) return { kind: 'lost', id, message: 'connection to Asterisk lost before the response; not re-sent' };
  const text = err instanceof Error ? err.message : String(err);
  return { kind: 'lost', id, message: `send failed after the write may have happened (${text}); not re-sent` };
}

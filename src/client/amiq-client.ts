import type { Kysely } from 'kysely';
import type { CallState, Database, QueueRow, QueueStatus } from '../shared/db/schema.js';
import {
  callSettled,
  cancelRow,
  enqueue,
  getRow,
  isTerminal,
  listResults,
  placesCall,
  pollRow,
  type EnqueueInput,
  type RowParams,
} from '../shared/queue/index.js';
import { checkNewRow, DEFAULT_POLICY, type SenderPolicy } from '../shared/row-rules/index.js';
import { RowNotFoundError, RowRejectedError, WaitTimeoutError } from './errors.js';
import {
  actionRow,
  hangupRow,
  originateRow,
  redirectRow,
  type HangupInput,
  type OriginateInput,
  type RedirectInput,
  type RowOptions,
} from '../shared/queue/row-input.js';

export interface AmiqClientOptions {
  /** The server rows go to unless a call says otherwise (default 'default'). */
  server?: string;
  /**
   * The sender's [action_sender] allowed_actions / allowed_commands / allowed_dangerous, if this
   * program knows them; default the sender's defaults. The sender judges each row again with its
   * own config: a row this check lets through may still become INVALID there.
   */
  policy?: Partial<SenderPolicy>;
}

/**
 * What to wait for: 'terminal' (the status will not change again), 'settled' (terminal and, for
 * an accepted Originate, the call answered, ended or failed), 'ended' (terminal and, for an
 * accepted Originate, the call ended or failed), given statuses / call states, or any test.
 */
export type WaitUntil = 'terminal' | 'settled' | 'ended' | { status?: readonly QueueStatus[]; callState?: readonly CallState[] } | ((row: QueueRow) => boolean);

export interface WaitOptions {
  /** Default 60 s; past it, WaitTimeoutError carries the row as last read. */
  timeoutMs?: number;
  /** First pause between reads (default 25 ms), growing to maxPollMs (default 500 ms). */
  pollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
}

/** One item of a list action's answer (manager_queue_results). */
export interface ResultItem {
  seq: number;
  event: string;
  headers: Record<string, string | string[]>;
}

function predicate(until: WaitUntil): (row: QueueRow) => boolean {
  if (typeof until === 'function') return until;
  if (until === 'terminal') return isTerminal;
  if (until === 'settled') return (r) => isTerminal(r) && (!placesCall(r) || callSettled(r));
  if (until === 'ended') return (r) => isTerminal(r) && (!placesCall(r) || r.call_state === 'ENDED' || r.call_state === 'FAILED');
  return (r) =>
    (until.status === undefined || until.status.includes(r.status)) &&
    (until.callState === undefined || (r.call_state !== null && until.callState.includes(r.call_state)));
}

/**
 * A Node program's way to use amiq: enqueue rows checked by the same rules the action-sender
 * applies, read them and their list results, wait for them, cancel them. It only reads and
 * writes the database (any engine openDatabase opens); the workers do the talking to Asterisk.
 */
export class AmiqClient {
  private readonly server: string;
  private readonly policy: SenderPolicy;

  constructor(
    private readonly db: Kysely<Database>,
    opts: AmiqClientOptions = {},
  ) {
    this.server = opts.server ?? 'default';
    this.policy = { ...DEFAULT_POLICY, ...opts.policy };
  }

  /** Check a row by the sender's rules and insert it; returns its id. Throws RowRejectedError, inserting nothing. */
  async enqueue(input: EnqueueInput): Promise<number> {
    const row = { ...input, server: input.server ?? this.server };
    const v = checkNewRow(row, this.policy);
    if (!v.ok) throw new RowRejectedError(v.message, input.action);
    return enqueue(this.db, row);
  }

  originate(o: OriginateInput): Promise<number> {
    return this.enqueue(originateRow(o, this.server));
  }

  redirect(o: RedirectInput): Promise<number> {
    return this.enqueue(redirectRow(o, this.server));
  }

  hangup(o: HangupInput): Promise<number> {
    return this.enqueue(hangupRow(o, this.server));
  }

  /** Any allowed action, e.g. `action('CoreShowChannels')`, `action('Status', {}, { channel })`. */
  action(name: string, params: RowParams = {}, o: RowOptions & { channel?: string } = {}): Promise<number> {
    return this.enqueue(actionRow(name, params, o, this.server));
  }

  /** The row, or undefined when there is none (or it was archived). */
  get(id: number): Promise<QueueRow | undefined> {
    return getRow(this.db, id);
  }

  /** A list action's items, in order (empty for any other action). */
  async results(id: number): Promise<ResultItem[]> {
    return (await listResults(this.db, id)).map((r) => ({ seq: Number(r.seq), event: r.event, headers: JSON.parse(r.headers) as ResultItem['headers'] }));
  }

  /** Withdraw a NEW row; false when the sender has taken it already (or it is gone). */
  cancel(id: number): Promise<boolean> {
    return cancelRow(this.db, id);
  }

  /** Resolves with the row once it satisfies `until`; WaitTimeoutError past the timeout, RowNotFoundError if there is no such row. */
  async wait(id: number, until: WaitUntil = 'settled', opts: WaitOptions = {}): Promise<QueueRow> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const { row, timedOut } = await pollRow(this.db, id, predicate(until), { ...opts, timeoutMs });
    if (row === undefined) throw new RowNotFoundError(id);
    if (timedOut) throw new WaitTimeoutError(id, timeoutMs, row);
    return row;
  }
}

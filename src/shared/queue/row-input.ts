import type { EnqueueInput, ParamScalar, RowParams } from './enqueue.js';

/** Columns every kind of row may set besides its action's own. */
export interface RowOptions {
  /** Which PBX's workers take the row; default the client's server. */
  server?: string;
  /** Higher is sent first. */
  priority?: number;
  /** ISO-8601 time (with Z or an offset): not sent before. */
  notBefore?: string | Date;
  /** ISO-8601 time: not sent after (default: the sender's TTL). */
  expiresAt?: string | Date;
  /** Free text for you (campaign, lead); never sent to Asterisk. */
  tag?: string;
}

export interface OriginateInput extends RowOptions {
  /** What to dial: `PJSIP/2001`, `Local/100@default`. */
  channel: string;
  /** Exten + Context (+ Priority, default 1) ... */
  exten?: string;
  context?: string;
  dialplanPriority?: string | number;
  /** ... or an application with its data. */
  application?: string;
  data?: string;
  /** Correlation key (sent as the CallerID name); the sender makes one when left out. */
  callerid?: string;
  /** Channel variables. */
  variables?: Record<string, ParamScalar>;
  /** Ring timeout in ms. */
  timeoutMs?: number;
  /** Further headers (CallerID, Account, Codecs, ...). */
  params?: RowParams;
}

/** A live call: by its channel, or by the callerid of the Originate that placed it. */
export type CallRef = { channel: string; callerid?: never } | { callerid: string; channel?: never };

export type RedirectInput = RowOptions & CallRef & { exten: string; context: string; dialplanPriority?: string | number };
export type HangupInput = RowOptions & CallRef & { cause?: number };

const time = (t: string | Date | undefined): string | null => (t === undefined ? null : t instanceof Date ? t.toISOString() : t);

/** Drop the keys left undefined: the params JSON holds only what was given. */
function defined(p: Record<string, RowParams[string] | undefined>): RowParams {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as RowParams;
}

/** The client-group columns a RowOptions sets. */
export function rowColumns(o: RowOptions, server: string): Pick<EnqueueInput, 'server' | 'priority' | 'not_before' | 'expires_at' | 'tag'> {
  return { server: o.server ?? server, priority: o.priority ?? 0, not_before: time(o.notBefore), expires_at: time(o.expiresAt), tag: o.tag ?? null };
}

export function originateRow(o: OriginateInput, server: string): EnqueueInput {
  return {
    ...rowColumns(o, server),
    action: 'Originate',
    channel: o.channel,
    callerid: o.callerid ?? null,
    // The named fields win when given; a header given only in params is kept, never dropped.
    params: {
      ...o.params,
      ...defined({
        Exten: o.exten,
        Context: o.context,
        Priority: o.dialplanPriority === undefined ? undefined : String(o.dialplanPriority),
        Application: o.application,
        Data: o.data,
        Timeout: o.timeoutMs === undefined ? undefined : String(o.timeoutMs),
        Variable: o.variables,
      }),
    },
  };
}

export function redirectRow(o: RedirectInput, server: string): EnqueueInput {
  const params = defined({ Exten: o.exten, Context: o.context, Priority: o.dialplanPriority === undefined ? undefined : String(o.dialplanPriority) });
  return { ...rowColumns(o, server), action: 'Redirect', channel: o.channel ?? null, callerid: o.callerid ?? null, params };
}

export function hangupRow(o: HangupInput, server: string): EnqueueInput {
  const params = defined({ Cause: o.cause === undefined ? undefined : String(o.cause) });
  return { ...rowColumns(o, server), action: 'Hangup', channel: o.channel ?? null, callerid: o.callerid ?? null, params };
}

export function actionRow(name: string, params: RowParams, o: RowOptions & { channel?: string }, server: string): EnqueueInput {
  return { ...rowColumns(o, server), action: name, channel: o.channel ?? null, params };
}

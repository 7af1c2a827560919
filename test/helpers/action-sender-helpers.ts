import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { runActionSender } from '../../src/action-sender/index.js';
import { defaultConfig, type AmiqConfig } from '../../src/shared/config/index.js';
import { createChangeSignal } from '../../src/shared/db/index.js';
import type { Database } from '../../src/shared/db/schema.js';
import type { ActionResult } from '../../src/shared/ami/action-tracker.js';
import { AmiMessage } from '../../src/shared/ami/message.js';
import type { ActionHeaders } from '../../src/shared/ami/serializer.js';
import { toHeaderList } from '../../src/shared/ami/serializer.js';
import type { AmiPort } from '../../src/shared/ami/ami-port.js';
import { AmiNotConnectedError } from '../../src/shared/ami/errors.js';
import type { QueueRow } from '../../src/shared/db/schema.js';

export const silent = pino({ level: 'silent' });

/** Poll a condition (DB state, when nothing can be awaited) until true or the bound passes. */
export async function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SentAction {
  action: string;
  headers: [string, string][];
  actionId: string;
  resolve(msg: AmiMessage): void;
  reject(err: Error): void;
}

/** An AmiClient stand-in: records writes and lets the test answer, time out or drop each. */
export class FakeClient extends EventEmitter implements Pick<AmiPort, 'connected' | 'send' | 'sendList' | 'on'> {
  connected = true;
  readonly sent: SentAction[] = [];
  /** Answer automatically with this (or leave pending when null). */
  autoReply: ((a: SentAction) => AmiMessage | Error | null) | null = () =>
    new AmiMessage('response', [
      ['Response', 'Success'],
      ['Message', 'ok'],
    ]);

  /** What the sender calls: the Response of `send`, with `listItems` as the list's items. */
  listItems: AmiMessage[] = [];
  sendList(action: string, headers: ActionHeaders = [], opts: { actionId?: string } = {}): Promise<ActionResult> {
    return this.send(action, headers, opts).then((response) => ({ response, events: this.listItems }));
  }

  send(action: string, headers: ActionHeaders = [], opts: { actionId?: string } = {}): Promise<AmiMessage> {
    return new Promise((resolve, reject) => {
      if (!this.connected) {
        reject(new AmiNotConnectedError('not connected'));
        return;
      }
      const a: SentAction = { action, headers: toHeaderList(headers), actionId: opts.actionId ?? '', resolve, reject };
      this.sent.push(a);
      this.emit('sent', a);
      const r = this.autoReply?.(a) ?? null;
      if (r instanceof Error) queueMicrotask(() => reject(r));
      else if (r) queueMicrotask(() => resolve(r));
    });
  }
}

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * One INSERT run by another process in plain SQL, as a client's own code or the sqlite3 shell
 * would, never through amiq's API; returns the new row id. A refused row throws with SQLite's message.
 */
export function insertFromAnotherProcess(dbPath: string, insert: string): number {
  const script =
    "const D=require('better-sqlite3');const d=new D(process.argv[1]);d.pragma('busy_timeout = 5000');console.log(String(d.prepare(process.argv[2]).run().lastInsertRowid));d.close();";
  return Number(execFileSync(process.execPath, ['-e', script, dbPath, insert], { cwd: ROOT, stdio: 'pipe' }).toString());
}

/** A claimed row as validateRow sees it: an Originate of Local/100@default to 300@default unless overridden. */
export function queueRow(over: Omit<Partial<QueueRow>, 'params'> & { params?: string | object }): QueueRow {
  const { params, ...rest } = over;
  return {
    id: 42,
    server: 'default',
    action: 'Originate',
    channel: 'Local/100@default',
    callerid: null,
    params: typeof params === 'string' ? params : JSON.stringify(params ?? { Exten: '300', Context: 'default' }),
    priority: 0,
    not_before: null,
    expires_at: null,
    tag: null,
    status: 'SENDING',
    created_at: '2026-11-22T12:00:00.000Z',
    sent_at: null,
    response_at: null,
    action_id: null,
    response: null,
    message: null,
    uniqueid: null,
    linkedid: null,
    call_channel: null,
    call_state: null,
    call_reason: null,
    answered_at: null,
    ended_at: null,
    hangup_cause: null,
    hangup_cause_txt: null,
    ...rest,
  };
}

/**
 * The real action-sender against a simulator on `amiPort`, rate unlimited unless `over` says
 * otherwise, woken by a 2 ms change signal. Resolves once it is logged in; stop() ends it.
 */
export async function startRealSender(
  t: { db: Kysely<Database>; sqlite: BetterSqlite3.Database },
  amiPort: number,
  over: (c: AmiqConfig) => void = () => {},
): Promise<{ stop(): Promise<void> }> {
  const c = defaultConfig();
  c.ami = { ...c.ami, port: amiPort, secret: 'amiq', reconnect_min_ms: 20, reconnect_max_ms: 100 };
  c.action_sender.rate_per_second = 0;
  over(c);
  const states: string[] = [];
  const changes = createChangeSignal(t.sqlite, { intervalMs: 2 });
  const ac = new AbortController();
  const running = runActionSender({
    config: c,
    db: t.db,
    logger: silent,
    signal: ac.signal,
    changes,
    ctx: { setAmiState: (s) => states.push(s), count: () => {}, setError: () => {} },
  });
  const stop = async (): Promise<void> => {
    ac.abort();
    await running;
    changes.close();
  };
  try {
    await until(() => states.includes('connected'), 'sender logged in');
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}

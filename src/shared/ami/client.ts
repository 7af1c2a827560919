import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import type { AmiPort } from './ami-port.js';
import type { AmiClientOptions, AmiClientState, AmiClientStats, SendOptions } from './client-types.js';
import type { AmiMessage } from './message.js';
import { serializeAction, toHeaderList, type ActionHeaders } from './serializer.js';
import { AmiAuthError, AmiError, AmiFrameError, AmiNotConnectedError, AmiSerializeError, AmiTimeoutError } from './errors.js';
import { ActionTracker, type ActionResult } from './action-tracker.js';
import { AmiConnection } from './client-connection.js';
import { login } from './client-login.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { commandOutput } from './command-output.js';
import { DEFAULT_MAX_EVENT_BACKLOG, EventBacklog } from './event-backlog.js';
import { Keepalive } from './client-keepalive.js';
import { RateLimitedLog } from '../rate-limited-log.js';

export type { AmiClientOptions, AmiClientState, AmiClientStats, SendOptions } from './client-types.js';

const LOGOFF_TIMEOUT_MS = 1_000;

/** Process-wide, so clients in one process (`amiq start`) never share an ActionID. */
let actionCounter = 0;

/**
 * One logged-in AMI session that stays up: reconnects with capped, jittered backoff, detects a
 * silent peer with Ping, and never re-sends an action (a second Originate is a second call).
 * Events: 'connected' ({banner}), 'disconnected' (error?; also after each failed attempt),
 * 'event' (AmiMessage), 'state', and 'error' (non-fatal; only emitted when someone listens, so
 * an unwatched client cannot crash).
 * 'event' listeners run synchronously in the read loop and see every event; consumers that await
 * use `events()`, which is bounded (see EventBacklog). Items of a list being collected by
 * `sendList` go to its result only.
 */
export class AmiClient extends EventEmitter implements AmiPort {
  readonly stats: AmiClientStats = { eventsReceived: 0, eventsDropped: 0, reconnects: 0, actionsSent: 0 };
  private readonly log: Logger;
  /** A garbled peer sends malformed frames without end: their warnings are rate-limited. */
  private readonly frameLog: RateLimitedLog;
  private readonly tracker: ActionTracker;
  private readonly backlog: EventBacklog;
  private readonly backoff: BackoffOptions | false;
  private readonly prefix: string;
  private _state: AmiClientState = 'idle';
  private _banner: string | undefined;
  private conn: AmiConnection | undefined;
  private loggedIn = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** Bumped per connection attempt, so callbacks of an older socket change nothing. */
  private generation = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepalive: Keepalive | undefined;

  constructor(private readonly opts: AmiClientOptions) {
    super();
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65_535) {
      throw new AmiError(`AMI port must be an integer 1..65535, got ${opts.port}`, { port: opts.port });
    }
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.frameLog = new RateLimitedLog(this.log);
    this.tracker = new ActionTracker(this.log);
    this.prefix = opts.actionIdPrefix ?? `amiq-${process.pid}-`;
    this.backoff = opts.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...opts.reconnect };
    const max = opts.maxEventBacklog ?? DEFAULT_MAX_EVENT_BACKLOG;
    this.backlog = new EventBacklog(max, {
      onDrop: (first) => {
        this.stats.eventsDropped++;
        if (first) this.log.warn({ maxEventBacklog: max }, 'AMI event consumer too slow: backlog full, dropping events');
      },
      onRecover: (dropped) => this.log.warn({ dropped, eventsDropped: this.stats.eventsDropped }, 'AMI event consumer caught up after dropping events'),
    });
  }

  get state(): AmiClientState {
    return this._state;
  }

  /** Logged in and not stopping. */
  get connected(): boolean {
    return this._state === 'connected' && !this.stopping;
  }

  get banner(): string | undefined {
    return this._banner;
  }

  start(): void {
    if (this._state !== 'idle') return;
    void this.connectOnce();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return (this.stopped ??= this.shutdown());
  }

  waitConnected(timeoutMs?: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.stopping) return Promise.reject(new AmiNotConnectedError('AMI client stopped', { state: this._state }));
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.off('state', onState);
        if (err) reject(err);
        else resolve();
      };
      const onState = (s: AmiClientState): void => {
        if (s === 'connected') done();
        else if (s === 'stopped') done(new AmiNotConnectedError('AMI client stopped', { state: s }));
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => done(new AmiTimeoutError(`AMI not connected within ${timeoutMs} ms`, { timeoutMs, state: this._state })), timeoutMs);
      this.on('state', onState);
    });
  }

  nextActionId(): string {
    return `${this.prefix}${++actionCounter}`;
  }

  /**
   * Resolves with the Response (Success and Error alike). Rejects with AmiNotConnectedError or
   * AmiSerializeError (nothing written), AmiTimeoutError (`context.written` says whether it was),
   * or AmiConnectionLostError (written, then the connection dropped). Never re-sends.
   */
  send(action: string, headers: ActionHeaders = [], opts: SendOptions = {}): Promise<AmiMessage> {
    return this.request(action, headers, opts, false, false).then((r) => r.response);
  }

  /**
   * A list action's Response with its items (EventList lists, or legacy ones announced by
   * `... will follow` and closed by `<X>Complete`). A Response that opens no list (an Error, a
   * Hangup of one named channel) resolves with no events, so a Hangup may always go through here.
   */
  sendList(action: string, headers: ActionHeaders = [], opts: SendOptions = {}): Promise<ActionResult> {
    return this.request(action, headers, opts, true, false);
  }

  async command(cmd: string, opts: SendOptions = {}): Promise<{ response: AmiMessage; output: string[] }> {
    const response = await this.send('Command', { Command: cmd }, opts);
    return { response, output: commandOutput(response) };
  }

  /** Events for a consumer that awaits; bounded by maxEventBacklog, ends when the client stops. */
  events(): AsyncIterableIterator<AmiMessage> {
    return this.backlog.subscribe();
  }

  private request(action: string, headers: ActionHeaders, opts: SendOptions, list: boolean, internal: boolean): Promise<ActionResult> {
    const conn = this.conn;
    if (!conn || (!internal && !this.connected)) {
      return Promise.reject(new AmiNotConnectedError(`AMI not connected (${this._state}): ${action} not sent`, { action, state: this._state }));
    }
    let actionId: string;
    let text: string;
    try {
      const given = toHeaderList(headers);
      const isId = (key: string): boolean => key.toLowerCase() === 'actionid';
      actionId = opts.actionId ?? given.find(([k]) => isId(k))?.[1] ?? this.nextActionId();
      text = serializeAction(action, [['ActionID', actionId], ...given.filter(([k]) => !isId(k))]);
      if (this.tracker.has(actionId)) throw new AmiSerializeError(`ActionID ${actionId} is already pending`, 'ActionID', { actionId, action });
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const result = this.tracker.register(actionId, action, list, opts.timeoutMs ?? this.opts.actionTimeoutMs ?? 10_000);
    conn.write(text, () => {
      if (!this.tracker.markWritten(actionId)) return false;
      if (!internal) this.stats.actionsSent++;
      this.log.debug({ actionId, action }, 'AMI action written');
      return true;
    });
    return result;
  }

  private async connectOnce(): Promise<void> {
    const gen = ++this.generation;
    this.setState('connecting');
    const conn = new AmiConnection(
      {
        host: this.opts.host,
        port: this.opts.port,
        timeoutMs: this.opts.connectTimeoutMs ?? 5_000,
        maxMessageBytes: this.opts.maxMessageBytes,
      },
      {
        onMessage: (msg) => this.dispatch(msg),
        onFrameError: (err) => this.frameError(err),
        onClose: (err) => this.connectionClosed(gen, err),
      },
    );
    this.conn = conn;
    try {
      this._banner = await conn.ready;
      const authType = this.opts.authType ?? 'plain';
      const request = (action: string, headers: ActionHeaders): Promise<AmiMessage> => this.request(action, headers, {}, false, true).then((r) => r.response);
      await login(request, { username: this.opts.username, secret: this.opts.secret, authType, events: this.opts.events });
    } catch (err) {
      // Auth refusals are reported here, once per attempt; other causes by connectionClosed.
      if (err instanceof AmiAuthError) {
        this.log.error({ ...err.context, host: this.opts.host, port: this.opts.port }, err.message);
        this.report(err);
        // Wrong credentials stay wrong until someone edits them: from attempt 30 the backoff ceiling is
        // reconnect_max_ms, so the next tries come at the slowest pace instead of hammering Asterisk.
        this.attempt = Math.max(this.attempt, 30);
      }
      conn.destroy(err as Error);
      return;
    }
    if (gen !== this.generation || this.stopping || this.conn !== conn) return;
    this.loggedIn = true;
    this.attempt = 0;
    this.log.info({ host: this.opts.host, port: this.opts.port, banner: this._banner }, 'AMI connected');
    this.setState('connected');
    this.emit('connected', { banner: this._banner });
    this.keepalive = new Keepalive(
      this.opts.pingIntervalMs ?? 5_000,
      this.opts.pingTimeoutMs ?? 3_000,
      (timeoutMs) => this.request('Ping', [], { timeoutMs }, false, true),
      (err) => conn.destroy(err),
    );
    this.keepalive.start();
  }

  private connectionClosed(gen: number, err: Error | undefined): void {
    if (gen !== this.generation) return;
    const wasConnected = this.loggedIn;
    this.conn = undefined;
    this.loggedIn = false;
    this.keepalive?.stop();
    this.tracker.failAll(err);
    if (this.stopping) return;
    if (!(err instanceof AmiAuthError)) {
      // One line per attempt (host, port, reason: ECONNREFUSED...), not a stack trace: the cause is the network, not amiq.
      const { host, port } = this.opts;
      const reason = err === undefined ? 'closed' : ((err as NodeJS.ErrnoException).code ?? err.message);
      const what = wasConnected ? 'AMI connection lost' : 'AMI unreachable';
      this.log.warn({ host, port, reason }, `${what}: ${host}:${port} ${reason}`);
    }
    this.setState('disconnected');
    this.emit('disconnected', err);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.backoff === false) {
      this.log.warn('AMI reconnect disabled: staying disconnected');
      return;
    }
    const delayMs = backoffDelay(this.attempt++, this.backoff);
    this.log.debug({ delayMs, attempt: this.attempt }, 'AMI reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.stats.reconnects++;
      void this.connectOnce();
    }, delayMs);
  }

  private dispatch(msg: AmiMessage): void {
    try {
      if (msg.kind === 'response') return this.tracker.handleResponse(msg);
      if (msg.kind === 'event') {
        this.stats.eventsReceived++;
        if (this.tracker.handleEvent(msg)) return;
        this.backlog.push(msg);
        this.emit('event', msg);
        return;
      }
      // A frame without Response/Event first (garbage, 1.4 raw text) must not resolve an action.
      const first = msg.headers[0];
      this.frameError(new AmiFrameError('AMI message with neither Response nor Event first; skipped', { firstLine: first?.join(': ').slice(0, 200) }));
    } catch (err) {
      this.log.error({ err }, 'AMI event listener threw; the read loop goes on');
    }
  }

  private frameError(err: AmiFrameError): void {
    this.frameLog.warn('frame', err.context, err.message);
    this.report(err);
  }

  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private setState(state: AmiClientState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.keepalive?.stop();
    const conn = this.conn;
    const wasConnected = this.loggedIn;
    if (conn && wasConnected) {
      await this.request('Logoff', [], { timeoutMs: LOGOFF_TIMEOUT_MS }, false, true).catch((err: unknown) => this.log.debug({ err }, 'AMI Logoff unanswered'));
    }
    this.tracker.failAll(new Error('AMI client stopped'));
    if (conn) {
      conn.destroy();
      await conn.closed;
    }
    this.conn = undefined;
    this.loggedIn = false;
    this.backlog.close();
    this.frameLog.flush();
    this.setState('stopped');
    if (wasConnected) this.emit('disconnected', undefined);
    this.log.info('AMI client stopped');
  }
}

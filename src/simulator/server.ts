import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Session } from './connection.js';
import type { CoreOptions, SimCore } from './core.js';
import { FaultState, type SimulatorFaults } from './faults.js';
import { addConferenceMember, type AddMemberOptions } from './members.js';
import { addPhoneCall, answerPhoneCall, type PhoneCallOptions } from './phones.js';
import { Pbx } from './pbx.js';
import type { BuiltEvent } from './events.js';
import type { ProfileSpec } from './profiles.js';
import { securityEventHeaders } from './security-events.js';
import type { ActionRecord, ChannelInfo, OriginateRecord, StateWriteRecord } from './types.js';
import type { AstDb, DeviceStateInfo, PresenceInfo } from './devices.js';
import { isDeviceState, parsePresenceStatus, type DeviceState } from './device-state.js';
import { frame } from './wire.js';
import type { Rng } from './rng.js';

export interface ServerConfig extends CoreOptions {
  host: string;
  port: number;
  profile: ProfileSpec;
  timeScale: number;
  channelVars: readonly string[];
  e1Tech: 'DAHDI' | 'Zap';
  maxActionLog: number;
  logger: Logger | undefined;
  /** Varied event order (seeded); absent: canonical. */
  order?: { rng: Rng; mixWindowMs: number };
  hints: Readonly<Record<string, string>>;
  astdb: AstDb;
  endpoints: readonly string[];
}

/**
 * The simulator: a TCP AMI server, its sessions, the PBX model and the test API. Emits
 * 'action' (ActionRecord), 'connection' ({ id, remoteAddress, remotePort }), 'disconnect' ({ id }),
 * 'call-ended' (CallEndedInfo), 'device-state' (DeviceStateInfo), 'presence-state' (PresenceInfo)
 * and 'state-write' (StateWriteRecord).
 */
export class SimServer extends EventEmitter implements SimCore {
  readonly spec: ProfileSpec;
  readonly pbx: Pbx;
  readonly faultState: FaultState;
  readonly faults: SimulatorFaults;
  readonly options: CoreOptions;
  readonly logger: Logger | undefined;
  readonly startedAt = Date.now();
  host: string;
  port = 0;
  private readonly server: Server;
  private readonly live = new Map<number, Session>();
  private readonly log: ActionRecord[] = [];
  private readonly originateLog: OriginateRecord[] = [];
  private readonly stateWriteLog: StateWriteRecord[] = [];
  private readonly counts = new Map<string, number>();
  private total = 0;
  private nextId = 1;

  constructor(private readonly config: ServerConfig) {
    super();
    this.spec = config.profile;
    this.options = {
      users: config.users,
      authFailDelayMs: config.authFailDelayMs,
      authTimeoutMs: config.authTimeoutMs,
      maxQueuedBytes: config.maxQueuedBytes,
    };
    this.logger = config.logger;
    this.host = config.host;
    this.pbx = new Pbx(config.profile, {
      timeScale: config.timeScale,
      channelVars: config.channelVars,
      e1Tech: config.e1Tech,
      ...(config.order ? { order: config.order } : {}),
      hints: config.hints,
      astdb: config.astdb,
      endpoints: config.endpoints,
    });
    config.logger?.info(
      { seed: this.seed, profile: config.profile.name },
      this.seed === undefined ? 'simulator: canonical event order' : 'simulator: varied event order',
    );
    this.pbx.on('event', (ev: BuiltEvent) => {
      // Framed once, and only when some session takes the event's class.
      let text: string | undefined;
      for (const s of this.live.values()) if (s.wantsEvents(ev.cls)) s.write((text ??= frame(ev.headers)));
    });
    this.pbx.on('call-ended', (info) => this.emit('call-ended', info));
    this.pbx.on('device-state', (info: DeviceStateInfo) => this.emit('device-state', info));
    this.pbx.on('presence-state', (info: PresenceInfo) => this.emit('presence-state', info));
    this.pbx.wants = (cls) => {
      for (const s of this.live.values()) if (s.wantsEvents(cls)) return true;
      return false;
    };
    this.faultState = new FaultState(() => this.live.values());
    this.faults = this.faultState.api();
    this.server = createServer((socket) => this.accept(socket));
  }

  /** The varied order's seed (replay a run with it); undefined in canonical order. */
  get seed(): number | undefined {
    return this.config.order?.rng.seed;
  }

  /** The profile's name ('asterisk-22' ...). */
  get profile(): string {
    return this.spec.name;
  }

  sessions(): Iterable<Session> {
    return this.live.values();
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', reject);
        // After listening, accept errors (EMFILE ...) are logged, never fatal.
        this.server.on('error', (err) => this.logger?.error({ err }, 'simulator: server error'));
        resolve();
      });
    });
    const addr = this.server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.live.values()) s.destroy();
    this.live.clear();
    this.pbx.clear();
    await closed;
  }

  get actions(): ReadonlyArray<ActionRecord> {
    return this.log;
  }

  recordAction(rec: ActionRecord): void {
    this.total++;
    const key = rec.action.toLowerCase();
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.log.push(rec);
    // A long-running simulator keeps only the most recent actions; counts stay exact.
    if (this.log.length > this.config.maxActionLog) this.log.splice(0, Math.ceil(this.config.maxActionLog / 10));
    this.emit('action', rec);
  }

  recordOriginate(rec: OriginateRecord): void {
    this.originateLog.push(rec);
    if (this.originateLog.length > this.config.maxActionLog) this.originateLog.splice(0, Math.ceil(this.config.maxActionLog / 10));
  }

  recordStateWrite(rec: StateWriteRecord): void {
    this.stateWriteLog.push(rec);
    if (this.stateWriteLog.length > this.config.maxActionLog) this.stateWriteLog.splice(0, Math.ceil(this.config.maxActionLog / 10));
    this.emit('state-write', rec);
  }

  stateWrites(): StateWriteRecord[] {
    return this.stateWriteLog.map((r) => ({ ...r }));
  }

  deviceState(device: string): DeviceState {
    return this.pbx.devices.state(device);
  }

  deviceStates(): Record<string, DeviceState> {
    return Object.fromEntries(this.pbx.devices.cached());
  }

  setDeviceState(device: string, state: DeviceState | null): void {
    if (state !== null && !isDeviceState(state))
      throw new Error(`setDeviceState: state ${JSON.stringify(state)} is not a device state (NOT_INUSE, INUSE, BUSY ...)`);
    if (!/^[^\s/:]+[/:]\S+$/.test(device)) throw new Error(`setDeviceState: device ${JSON.stringify(device)} must be Tech/resource or Custom:name`);
    this.pbx.devices.force(device, state);
  }

  astdb(): Required<AstDb> {
    return this.pbx.devices.astdb();
  }

  presenceState(provider: string): PresenceInfo | undefined {
    return this.pbx.devices.presenceOf(provider);
  }

  setPresenceState(provider: string, status: string, subtype = '', message = ''): void {
    const s = parsePresenceStatus(status);
    if (!s) throw new Error(`setPresenceState: status ${JSON.stringify(status)} is not a presence state (available, away, dnd ...)`);
    if (!/^[^\s:]+:\S+/.test(provider)) throw new Error(`setPresenceState: provider ${JSON.stringify(provider)} must be Provider:name`);
    this.pbx.devices.setPresence({ provider, status: s, subtype, message });
  }

  originates(): OriginateRecord[] {
    return this.originateLog.map((r) => ({ ...r }));
  }

  actionCount(name?: string): number {
    return name === undefined ? this.total : (this.counts.get(name.toLowerCase()) ?? 0);
  }

  waitForAction(pred: (a: ActionRecord) => boolean, timeoutMs = 5000): Promise<ActionRecord> {
    const seen = this.log.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onAction = (a: ActionRecord) => {
        if (!pred(a)) return;
        clearTimeout(timer);
        this.off('action', onAction);
        resolve(a);
      };
      const timer = setTimeout(() => {
        this.off('action', onAction);
        reject(new Error(`simulator: no matching action within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('action', onAction);
    });
  }

  channels(): ChannelInfo[] {
    return this.pbx.list().map((c) => this.pbx.info(c));
  }

  hangup(channelName: string, cause = 16): boolean {
    const ch = this.pbx.find(channelName);
    if (!ch) return false;
    this.pbx.hangup(ch, cause);
    return true;
  }

  connectionCount(): number {
    return this.live.size;
  }

  addConferenceMember(opts: AddMemberOptions): ChannelInfo {
    return this.pbx.info(addConferenceMember(this.pbx, opts));
  }

  addMeetmeMember(room: string, channel?: string): ChannelInfo {
    return this.addConferenceMember({ kind: 'meetme', room, ...(channel ? { channel } : {}) });
  }

  addPhoneCall(device: string, opts?: PhoneCallOptions): ChannelInfo {
    return this.pbx.info(addPhoneCall(this.pbx, device, opts));
  }

  answerPhoneCall(channelName: string): boolean {
    const ch = this.pbx.find(channelName);
    return ch ? answerPhoneCall(this.pbx, ch) : false;
  }

  securityEvent(name: string, session: Session, fields: Record<string, string>): void {
    if (!this.spec.securityEvents) return;
    const text = frame(securityEventHeaders(name, session, fields));
    for (const s of this.live.values()) if (s.wantsEvents('security')) s.write(text);
  }

  private accept(socket: Socket): void {
    const id = this.nextId++;
    const session = new Session(id, socket, this);
    this.live.set(id, session);
    socket.on('close', () => {
      this.live.delete(id);
      this.emit('disconnect', { id });
    });
    this.emit('connection', { id, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort });
  }
}

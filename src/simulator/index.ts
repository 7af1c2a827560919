import type { Logger } from 'pino';
import type { SimUser } from './core.js';
import type { SimulatorFaults } from './faults.js';
import type { AddMemberOptions } from './members.js';
import type { PhoneCallOptions } from './phones.js';
import { getProfile } from './profiles.js';
import { randomSeed, Rng } from './rng.js';
import { SimServer } from './server.js';
import type { ActionRecord, CallEndedInfo, ChannelInfo, OriginateRecord, ProfileName, StateWriteRecord } from './types.js';
import type { AstDb, DeviceStateInfo, PresenceInfo } from './devices.js';
import { parseDeviceState } from './device-state.js';
import { parsePresence } from './state-functions.js';
import type { DeviceState, PresenceStatus } from './device-state.js';

export type { ActionRecord, CallEndedInfo, ChannelInfo, OriginateRecord, ProfileName, SimulatorFaults, SimUser, AddMemberOptions };
export type { PhoneCallOptions };
export type { AstDb, DeviceState, DeviceStateInfo, PresenceInfo, PresenceStatus, StateWriteRecord };
export { DEVICE_STATES, PRESENCE_STATES } from './device-state.js';
export { EXTENSIONS } from './dialplan.js';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 5038; 0 = a free port. */
  port?: number;
  /** Default 'asterisk-22'. */
  profile?: ProfileName;
  /** Multiplies every dialplan delay and the Originate Timeout (tests use e.g. 0.01); default 1. */
  timeScale?: number;
  /** Zap/<c>-1 instead of DAHDI/<c>-1; default: Zap under the legacy profiles. */
  e1?: { legacyZap?: boolean };
  logger?: Logger;
  /** manager.conf `channelvars`; default ['AMIQ_ID'] (captures without it: pass []). */
  channelVars?: string[];
  /** manager.conf users; default amiq/amiq (read+write) and readonly/readonly (read only). */
  users?: SimUser[];
  /** Pause before `Authentication failed` (Asterisk: 1000 ms); default 200. */
  authFailDelayMs?: number;
  /**
   * manager.conf `authtimeout`: a session not logged in this long after connecting is closed
   * (not under asterisk-1.4, which has no such timer). Real time, not scaled by timeScale. Default 30000.
   */
  authTimeoutMs?: number;
  /** Most recent actions kept in `actions` (counts stay exact); default 10000. */
  maxActionLog?: number;
  /** Bytes queued to a peer that stops reading before its session is dropped; default 64 MiB. */
  maxQueuedBytes?: number;
  /**
   * Event order. Absent: canonical, every call's events in the one order the profile's captures
   * show, sent at once (what capture-replaying tests need). A number, or 'random' (a seed is drawn;
   * read it back from `seed`): varied, each call's racing threads interleaved at random and the
   * events of calls that overlap in time shuffled together, each call's own order kept, as
   * real Asterisk sends them. The same seed and the same actions give the same byte stream.
   */
  seed?: number | 'random';
  /** Varied order: events raised within this many ms are held and shuffled together (burst interleaving); default 5. */
  mixWindowMs?: number;
  /**
   * Dialplan hints, as `exten => 100,hint,PJSIP/100&Custom:100` in context default:
   * `{ '100@default': 'PJSIP/100&Custom:100' }`. ExtensionStatus events when their state changes.
   */
  hints?: Readonly<Record<string, string>>;
  /**
   * What Asterisk keeps in astdb and restores at start: Custom device states (cached and listed
   * at once, no event) and CustomPresence values (read back, not listed until set again). Pass a
   * stopped simulator's `astdb()` to restart it as Asterisk restarts.
   */
  astdb?: AstDb;
  /**
   * Phones registered when the simulator starts (`['PJSIP/2001', 'PJSIP/2002']`): their devices
   * are cached NOT_INUSE, so DeviceStateList lists them as Asterisk lists registered endpoints.
   */
  endpoints?: readonly string[];
}

export const DEFAULT_USERS: readonly SimUser[] = [
  { username: 'amiq', secret: 'amiq', write: true },
  { username: 'readonly', secret: 'readonly', write: false },
];

export interface Simulator {
  readonly host: string;
  readonly port: number;
  readonly profile: string;
  /** The seed of the varied event order; undefined in canonical order. */
  readonly seed: number | undefined;
  close(): Promise<void>;
  /** Every action received, in order (all connections; the most recent maxActionLog). */
  readonly actions: ReadonlyArray<ActionRecord>;
  /** What each Originate did, as the call model decided it (the most recent maxActionLog), in arrival order. */
  originates(): OriginateRecord[];
  /** Actions received, of one name (case-insensitive) or all. */
  actionCount(name?: string): number;
  on(event: 'action', fn: (a: ActionRecord) => void): this;
  on(event: 'connection', fn: (c: { id: number; remoteAddress?: string; remotePort?: number }) => void): this;
  on(event: 'disconnect', fn: (c: { id: number }) => void): this;
  on(event: 'call-ended', fn: (c: CallEndedInfo) => void): this;
  /** A DeviceStateChange was raised (whether or not a session takes it): cached devices only on a real change. */
  on(event: 'device-state', fn: (s: DeviceStateInfo) => void): this;
  /** A PresenceStateChange was raised. */
  on(event: 'presence-state', fn: (p: PresenceInfo) => void): this;
  /** A Setvar of DEVICE_STATE(…) / PRESENCE_STATE(…) was answered (accepted or refused). */
  on(event: 'state-write', fn: (w: StateWriteRecord) => void): this;
  off(event: string, fn: (...args: any[]) => void): this;
  /** Resolves with the first logged or future action matching; rejects after timeoutMs (default 5000). */
  waitForAction(pred: (a: ActionRecord) => boolean, timeoutMs?: number): Promise<ActionRecord>;
  readonly faults: SimulatorFaults;
  channels(): ChannelInfo[];
  /** Hang a live channel up (and its Local peer) with this cause (default 16). */
  hangup(channelName: string, cause?: number): boolean;
  connectionCount(): number;
  /** A new answered channel placed straight into a ConfBridge or MeetMe room. */
  addConferenceMember(opts: AddMemberOptions): ChannelInfo;
  addMeetmeMember(room: string, channel?: string): ChannelInfo;
  /**
   * A call reaching a phone without an Originate: `<device>-<id>` rings, then answers after
   * `answerAfterMs` (real ms, default 0; null: rings until answered or hung up). Its device goes
   * RINGING, INUSE, and NOT_INUSE once `hangup(name)` ends it.
   */
  addPhoneCall(device: string, opts?: PhoneCallOptions): ChannelInfo;
  /** Answer a ringing addPhoneCall channel now; false if it is not one still ringing. */
  answerPhoneCall(channelName: string): boolean;
  /** What `Getvar DEVICE_STATE(<device>)` answers now (Custom devices never set: UNKNOWN). */
  deviceState(device: string): DeviceState;
  /** Every cached device and its state: what DeviceStateList lists. */
  deviceStates(): Record<string, DeviceState>;
  /**
   * Make a device report a state without a call (a phone going busy, unplugged ...): raised as
   * DeviceStateChange (and ExtensionStatus) if it changes; `null` hands it back to its channels.
   * A `Custom:` device is set as SetVar DEVICE_STATE would set it.
   */
  setDeviceState(device: string, state: DeviceState | null): void;
  /** A presentity's state (`CustomPresence:alice`), undefined when never set. */
  presenceState(provider: string): PresenceInfo | undefined;
  /** Set a presence state as SetVar PRESENCE_STATE would (a PresenceStateChange every time). */
  setPresenceState(provider: string, status: PresenceStatus | string, subtype?: string, message?: string): void;
  /** The astdb families to carry across a restart: `startSimulator({ port, astdb: old.astdb() })`. */
  astdb(): Required<AstDb>;
  /** Every Setvar of DEVICE_STATE(…) / PRESENCE_STATE(…) received (the most recent maxActionLog), in order. */
  stateWrites(): StateWriteRecord[];
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const profile = getProfile(opts.profile);
  const legacyZap = opts.e1?.legacyZap ?? profile.e1Tech === 'Zap';
  const seed = opts.seed === 'random' ? randomSeed() : opts.seed;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32))
    throw new Error(`seed: expected an integer 0..4294967295 or 'random', got ${seed}`);
  checkAstDb(opts.astdb);
  for (const d of opts.endpoints ?? [])
    if (!/^[^\s/:]+\/\S+$/.test(d) || d.startsWith('Local/')) throw new Error(`endpoints: ${JSON.stringify(d)} must be Tech/resource (not Local)`);
  const server = new SimServer({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 5038,
    profile,
    timeScale: opts.timeScale ?? 1,
    channelVars: opts.channelVars ?? ['AMIQ_ID'],
    e1Tech: legacyZap ? 'Zap' : 'DAHDI',
    users: opts.users ?? DEFAULT_USERS,
    authFailDelayMs: opts.authFailDelayMs ?? 200,
    authTimeoutMs: opts.authTimeoutMs ?? 30_000,
    maxActionLog: opts.maxActionLog ?? 10_000,
    maxQueuedBytes: opts.maxQueuedBytes ?? 64 * 1024 * 1024,
    logger: opts.logger,
    ...(seed !== undefined ? { order: { rng: new Rng(seed), mixWindowMs: opts.mixWindowMs ?? 5 } } : {}),
    hints: opts.hints ?? {},
    astdb: opts.astdb ?? {},
    endpoints: opts.endpoints ?? [],
  });
  await server.listen();
  return server;
}

/** Refuse an astdb the functions could not have stored, naming the entry. */
function checkAstDb(db: AstDb | undefined): void {
  for (const [device, state] of Object.entries(db?.customDevices ?? {})) {
    if (!/^Custom:./.test(device)) throw new Error(`astdb.customDevices: ${JSON.stringify(device)} must be Custom:<name>`);
    if (parseDeviceState(state) !== state || state === 'UNKNOWN')
      throw new Error(`astdb.customDevices[${JSON.stringify(device)}]: ${JSON.stringify(state)} is not a device state`);
  }
  for (const [provider, value] of Object.entries(db?.customPresence ?? {})) {
    if (!/^CustomPresence:./i.test(provider)) throw new Error(`astdb.customPresence: ${JSON.stringify(provider)} must be CustomPresence:<name>`);
    if (!parsePresence(provider, value))
      throw new Error(`astdb.customPresence[${JSON.stringify(provider)}]: ${JSON.stringify(value)} is not state[,subtype[,message[,e]]]`);
  }
}

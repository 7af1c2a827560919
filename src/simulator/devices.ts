import type { Pbx } from './pbx.js';
import type { SimChannel } from './types.js';
import { aggregate, chanStateToDevice, extensionState, type DeviceState, type PresenceStatus } from './device-state.js';
import { parseHints, type Hint } from './hints.js';
import { parsePresence } from './state-functions.js';

/** What Asterisk keeps in astdb across a restart: Custom device states and presence values. */
export interface AstDb {
  /** `{ 'Custom:lamp': 'BUSY' }`. */
  customDevices?: Readonly<Record<string, DeviceState>>;
  /** `{ 'CustomPresence:alice': 'away,lunch,back at 2' }`, as PRESENCE_STATE takes it. */
  customPresence?: Readonly<Record<string, string>>;
}

export interface PresenceInfo {
  /** The presentity as written (`CustomPresence:alice`). */
  provider: string;
  status: PresenceStatus;
  subtype: string;
  message: string;
}

/** What the test API's `device-state` listeners get: one published DeviceStateChange. */
export interface DeviceStateInfo {
  device: string;
  state: DeviceState;
}

const presenceKey = (p: PresenceInfo): string => JSON.stringify([p.status, p.subtype, p.message]);

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A presence as PRESENCE_STATE's value, subtype and message base64-encoded (`e`) so commas survive. */
const encodedPresence = (p: PresenceInfo): string => `${p.status},${b64(p.subtype)},${b64(p.message)},e`;

/** Channel technologies the simulator knows: an idle device of these is NOT_INUSE, others INVALID. */
const KNOWN_TECH = new Set(['pjsip', 'sip', 'iax2', 'dahdi', 'zap', 'sccp', 'local']);

/** Provider labels match case-insensitively: `custom:lamp` is the Custom provider's `lamp`. */
const customName = (device: string): string | undefined => (/^custom:/i.test(device) ? `Custom:${device.slice(7)}` : undefined);

/** Local channels set AST_FLAG_DISABLE_DEVSTATE_CACHE: their states bypass the cache (and its dedup). */
export const isLocalDevice = (device: string): boolean => device.startsWith('Local/');

/**
 * Device, presence and hint state (main/devicestate.c, presencestate.c, pbx.c hints). A channel
 * state change only marks its device dirty: as Asterisk's devicestate thread, the device's state is
 * computed afterwards (a microtask later) from its live channels, and a DeviceStateChange is raised
 * only when the aggregate differs from the cached one. Custom devices (DEVICE_STATE) and presence
 * (PRESENCE_STATE) are set directly. Local devices keep their hand-placed events (see pbx.ts).
 */
export class Devices {
  private readonly byDevice = new Map<string, Set<SimChannel>>();
  private readonly cache = new Map<string, DeviceState>();
  private readonly custom = new Map<string, DeviceState>();
  private readonly forced = new Map<string, DeviceState>();
  /** The presence cache (what PresenceStateList dumps): filled by sets, not by a restart. */
  private readonly presence = new Map<string, PresenceInfo>();
  /** astdb CustomPresence family: raw PRESENCE_STATE values, kept across a restart. */
  private readonly presenceDb = new Map<string, { provider: string; value: string }>();
  private readonly hints: Hint[];
  private readonly hintsByDevice = new Map<string, Hint[]>();
  private readonly hintsByPresence = new Map<string, Hint[]>();
  private dirty = new Map<string, SimChannel | undefined>();
  private flushQueued = false;
  private closed = false;

  constructor(
    private readonly pbx: Pbx,
    hints: Readonly<Record<string, string>>,
    astdb: AstDb = {},
    endpoints: readonly string[] = [],
  ) {
    // Registered endpoints publish their state as they come up: cached (listed) before anyone connects.
    for (const device of endpoints) this.cache.set(device, 'NOT_INUSE');
    // func_devstate's load: every Custom device in astdb is published (so cached) at start.
    for (const [device, state] of Object.entries(astdb.customDevices ?? {})) {
      this.custom.set(device, state);
      this.cache.set(device, state);
    }
    for (const [provider, value] of Object.entries(astdb.customPresence ?? {})) this.presenceDb.set(provider.toLowerCase(), { provider, value });
    this.hints = parseHints(hints);
    for (const h of this.hints) {
      for (const d of h.devices) {
        const list = this.hintsByDevice.get(d) ?? [];
        list.push(h);
        this.hintsByDevice.set(d, list);
      }
      h.last = this.extensionStateOf(h);
      if (h.presence === undefined) continue;
      const key = h.presence.toLowerCase();
      this.hintsByPresence.set(key, [...(this.hintsByPresence.get(key) ?? []), h]);
      const p = this.presenceOf(h.presence);
      if (p) h.lastPresence = presenceKey(p);
    }
  }

  /** A new channel: its device counts it from now on. */
  attach(ch: SimChannel): void {
    if (isLocalDevice(ch.device)) return;
    let set = this.byDevice.get(ch.device);
    if (!set) this.byDevice.set(ch.device, (set = new Set()));
    set.add(ch);
    if (ch.state !== 0) this.touch(ch.device, ch);
  }

  /** The channel left (hung up) or moved to another device (pre-12 masquerade). */
  detach(ch: SimChannel): void {
    const set = this.byDevice.get(ch.device);
    if (!set?.delete(ch)) return;
    if (set.size === 0) this.byDevice.delete(ch.device);
    this.touch(ch.device, ch);
  }

  /** ast_setstate: the device's state is looked at again. */
  channelState(ch: SimChannel): void {
    if (this.byDevice.get(ch.device)?.has(ch)) this.touch(ch.device, ch);
  }

  private touch(device: string, ch: SimChannel | undefined): void {
    this.dirty.set(device, ch);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    const dirty = this.dirty;
    this.dirty = new Map();
    if (this.closed) return;
    for (const [device, ch] of dirty) this.publish(device, this.computed(device), ch);
  }

  /** The state the device's provider reports now (what the devicestate thread asks). */
  private computed(device: string): DeviceState {
    const forced = this.forced.get(device);
    if (forced) return forced;
    const custom = customName(device);
    if (custom) return this.custom.get(custom) ?? 'UNKNOWN';
    const chans = this.byDevice.get(device);
    if (chans?.size) return aggregate([...chans].map((c) => chanStateToDevice(c.state)));
    const slash = device.indexOf('/');
    if (slash > 0) return KNOWN_TECH.has(device.slice(0, slash).toLowerCase()) ? 'NOT_INUSE' : 'INVALID';
    return this.cache.get(device) ?? 'INVALID';
  }

  /**
   * ast_publish_device_state: cachable states go through the cache, which raises
   * DeviceStateChange only when the aggregate changes; Local (non-cachable) ones always.
   */
  publish(device: string, state: DeviceState, ch?: SimChannel): void {
    if (this.closed) return;
    if (!isLocalDevice(device)) {
      if (this.cache.get(device) === state) return;
      this.cache.set(device, state);
    }
    this.pbx.emitEvent('DeviceStateChange', { ...(ch ? { chan: ch } : {}), device, deviceState: state });
    this.pbx.emit('device-state', { device, state } satisfies DeviceStateInfo);
    this.updateHints(device, ch);
  }

  /** DEVICE_STATE(Custom:name) = state (func_devstate: stored, then published as known). */
  setCustom(device: string, state: DeviceState): void {
    this.custom.set(device, state);
    this.publish(device, state);
  }

  /** Test API: a device reports this state whatever its channels do (null: its channels again). */
  force(device: string, state: DeviceState | null): void {
    const custom = customName(device);
    if (custom) {
      if (state) this.setCustom(custom, state);
      return;
    }
    if (state) this.forced.set(device, state);
    else this.forced.delete(device);
    this.touch(device, undefined);
  }

  /** DEVICE_STATE(device) read: the cached aggregate, else what the provider says. */
  state(device: string): DeviceState {
    return this.cache.get(device) ?? this.computed(device);
  }

  /** The cache dump DeviceStateList walks: every cachable device that has a state. */
  cached(): Array<[string, DeviceState]> {
    return [...this.cache];
  }

  /** PRESENCE_STATE(CustomPresence:name) = value: stored as written (astdb), published decoded. */
  setPresence(info: PresenceInfo, value = encodedPresence(info)): void {
    if (this.closed) return;
    this.presenceDb.set(info.provider.toLowerCase(), { provider: info.provider, value });
    this.presence.set(info.provider.toLowerCase(), info);
    this.pbx.emitEvent('PresenceStateChange', { presence: info });
    this.pbx.emit('presence-state', { ...info });
    // Hints naming this provider: PresenceStatus when what they report changes (pbx.c presence_state_cb).
    for (const h of this.hintsByPresence.get(info.provider.toLowerCase()) ?? []) {
      const key = presenceKey(info);
      if (key === h.lastPresence) continue;
      h.lastPresence = key;
      this.pbx.emitEvent('PresenceStatus', { hint: h, presence: info });
    }
  }

  /** What the provider reports (func_presencestate reads astdb, not the cache). */
  presenceOf(provider: string): PresenceInfo | undefined {
    const stored = this.presenceDb.get(provider.toLowerCase());
    const p = stored && parsePresence(stored.provider, stored.value);
    return p ? { ...p } : undefined;
  }

  /** The astdb families a restarted Asterisk keeps (CustomDevstate, CustomPresence). */
  astdb(): Required<AstDb> {
    return {
      customDevices: Object.fromEntries(this.custom),
      customPresence: Object.fromEntries([...this.presenceDb.values()].map((p) => [p.provider, p.value])),
    };
  }

  presences(): PresenceInfo[] {
    return [...this.presence.values()].map((p) => ({ ...p }));
  }

  hintList(): readonly Hint[] {
    return this.hints;
  }

  hint(exten: string, context: string): Hint | undefined {
    return this.hints.find((h) => h.exten === exten && h.context === context);
  }

  /** Hints watching this device: ExtensionStatus when their extension state changes. */
  private updateHints(device: string, ch: SimChannel | undefined): void {
    const hints = this.hintsByDevice.get(device);
    if (!hints) return;
    for (const h of hints) {
      const state = this.extensionStateOf(h);
      if (state === h.last) continue;
      h.last = state;
      this.pbx.emitEvent('ExtensionStatus', { ...(ch ? { chan: ch } : {}), hint: h });
    }
  }

  private extensionStateOf(h: Hint): number {
    return extensionState(aggregate(h.devices.map((d) => this.state(d))));
  }

  /** Server close: nothing more is raised. */
  clear(): void {
    this.closed = true;
    this.dirty.clear();
    this.byDevice.clear();
  }
}

import type { AmiHeader } from '../ami/message.js';

/**
 * The one form of SetVar the device relay writes, and the rule that accepts it on a server of
 * the relay group without allowing SetVar in general: no channel, exactly `Variable` then
 * `Value`, the variable `DEVICE_STATE(Custom:<device>)` or `PRESENCE_STATE(CustomPresence:<name>)`,
 * and a value Asterisk accepts for it. Which names are relayed is each source server's choice
 * (its own `devices` / `presentities`), so the target does not judge the name.
 */

/** Device states a `Custom:` device takes (Asterisk's devstate names; DEVICE_STATE refuses UNKNOWN, the value of any word it does not know). */
export const DEVICE_STATES = ['NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'] as const;
/** Presence values of PRESENCE_STATE. */
export const PRESENCE_STATES = ['not_set', 'unavailable', 'available', 'away', 'xa', 'chat', 'dnd'] as const;

/** The only provider PRESENCE_STATE can set. */
export const CUSTOM_PRESENCE = 'CustomPresence:';
/** The provider the relay sets a device's state under on the other servers. */
export const CUSTOM_DEVICE = 'Custom:';

/** What the relay group's config allows (`[device_relay]`), from the point of view of one server of it. */
export interface RelayPolicy {
  deviceState: boolean;
  presence: boolean;
}

export interface PresenceValue {
  status: string;
  subtype: string;
  message: string;
}

/** The row's tag: one per (target, variable), what coalescing looks a pending row up by. */
export function relayTag(variable: string): string {
  return `relay:${variable}`;
}

export function deviceVariable(device: string): string {
  return `DEVICE_STATE(${CUSTOM_DEVICE}${device})`;
}

export function presenceVariable(presentity: string): string {
  return `PRESENCE_STATE(${presentity})`;
}

/**
 * PRESENCE_STATE's written value: `status`, or `status,<subtype>,<message>,e` with both base64
 * encoded (option e), so a comma or any other text in a message can neither split the value nor
 * trip the value rules.
 */
export function presenceValue(p: PresenceValue): string {
  if (p.subtype === '' && p.message === '') return p.status;
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return `${p.status},${b64(p.subtype)},${b64(p.message)},e`;
}

const DEVICE_VAR = /^DEVICE_STATE\(Custom:([^()]+)\)$/;
const PRESENCE_VAR = /^PRESENCE_STATE\((CustomPresence:[^()]+)\)$/;
const B64 = '[A-Za-z0-9+/]*={0,2}';
const PRESENCE_VALUE = new RegExp(`^(${PRESENCE_STATES.join('|')})(,${B64},${B64},e)?$`);

/** Why `headers` (a SetVar row's checked params, channel and callerid empty) are not the relay's form; null when they are. */
export function relayFormProblem(headers: readonly AmiHeader[], channel: string | null, callerid: string | null, policy: RelayPolicy): string | null {
  if (channel !== null || callerid !== null) return 'a device relay SetVar has no channel or callerid';
  if (headers.length !== 2 || headers[0]![0] !== 'Variable' || headers[1]![0] !== 'Value') return 'a device relay SetVar has exactly Variable and Value';
  const [[, variable], [, value]] = headers as [AmiHeader, AmiHeader];
  const device = DEVICE_VAR.exec(variable);
  if (device !== null) {
    if (!policy.deviceState) return 'device_relay.device_state is off';
    if (!(DEVICE_STATES as readonly string[]).includes(value)) return `Value: expected one of ${DEVICE_STATES.join(', ')}`;
    return null;
  }
  const presentity = PRESENCE_VAR.exec(variable);
  if (presentity !== null) {
    if (!policy.presence) return 'device_relay.presence is off';
    if (!PRESENCE_VALUE.test(value))
      return `Value: expected a presence (${PRESENCE_STATES.join(', ')}), optionally with base64 subtype and message and option e`;
    return null;
  }
  return 'Variable: expected DEVICE_STATE(Custom:<device>) or PRESENCE_STATE(CustomPresence:<name>)';
}

/** The relay policy of `server` (`[device_relay]`), or undefined when it is no member of a relay group. */
export function relayPolicyOf(server: string, r: { servers: readonly string[]; device_state: boolean; presence: boolean }): RelayPolicy | undefined {
  if (!r.servers.includes(server) || r.servers.length < 2) return undefined;
  return { deviceState: r.device_state, presence: r.presence };
}

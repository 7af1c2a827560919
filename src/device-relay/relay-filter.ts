import { globMatcher } from '../shared/glob.js';
import { CUSTOM_DEVICE, CUSTOM_PRESENCE, DEVICE_STATES, PRESENCE_STATES } from '../shared/row-rules/index.js';
import type { StateChange } from './state-change.js';

export interface RelayFilterSettings {
  devices: readonly string[];
  presentities: readonly string[];
  device_state: boolean;
  presence: boolean;
}

/**
 * Which reported states this server relays. Never a `Custom:` device: that is where the relay
 * writes (on every server), so a state that came from the relay can never go back out, and
 * no two servers can ping-pong a device. Never INVALID: the server does not have that device
 * (a hint naming another server's device asks for it), so it is not that device's home.
 * UNKNOWN is no state to share (and DEVICE_STATE refuses to write it).
 * Only the states Asterisk lets a Custom: device / CustomPresence provider take, and only
 * CustomPresence providers (the only ones PRESENCE_STATE can set on the others).
 */
export function relayFilter(s: RelayFilterSettings): (c: StateChange) => boolean {
  const device = globMatcher(s.devices);
  const presentity = globMatcher(s.presentities);
  return (c) => {
    if (c.kind === 'device') {
      if (!s.device_state || c.name.startsWith(CUSTOM_DEVICE) || c.state === 'INVALID' || c.state === 'UNKNOWN') return false;
      return (DEVICE_STATES as readonly string[]).includes(c.state) && device(c.name);
    }
    if (!s.presence || !c.name.startsWith(CUSTOM_PRESENCE)) return false;
    return (PRESENCE_STATES as readonly string[]).includes(c.presence.status) && presentity(c.name);
  };
}

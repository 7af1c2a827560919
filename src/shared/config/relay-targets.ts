import { ConfigError } from './config-error.js';
import type { AmiqConfig } from './schema.js';

/**
 * The servers this server's device relay writes to (`[device_relay] servers` but itself), or a
 * ConfigError naming the key when the relay has nothing to do: checked before the worker
 * registers, so a bad relay config is exit 2, not a crashed worker.
 */
export function relayTargets(config: AmiqConfig): string[] {
  const r = config.device_relay;
  const self = config.server.name;
  if (!r.servers.includes(self))
    throw new ConfigError(`device_relay.servers: must include this server "${self}" (got ${JSON.stringify(r.servers)})`, 'device_relay.servers');
  const others = [...new Set(r.servers.filter((s) => s !== self))];
  if (others.length === 0) throw new ConfigError('device_relay.servers: must name at least one other server to relay to', 'device_relay.servers');
  if (!r.device_state && !r.presence)
    throw new ConfigError('device_relay.device_state, device_relay.presence: both false, nothing to relay', 'device_relay.device_state');
  return others;
}

import { BlockList, isIP } from 'node:net';
import { parseNetwork } from '../shared/network.js';
import { AllowListError } from './errors.js';

const MAX_REMEMBERED = 4096;

export interface AllowList {
  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6 as dgram reports it) is in a listed network. */
  allows(address: string): boolean;
  readonly entries: readonly string[];
}

/**
 * Source networks the heartbeat answers (`heartbeat.allow`, SPEC §6). Entries are `a.b.c.d/n`,
 * `x:y::/n` or a bare address (a /32 or /128). Node's BlockList does the matching: it is native,
 * and it matches IPv4-mapped IPv6 sources (a dual-stack `::` bind) against IPv4 networks.
 */
export function createAllowList(entries: readonly string[]): AllowList {
  const list = new BlockList();
  for (const entry of entries) {
    const net = parseNetwork(entry);
    if (!net.ok) throw new AllowListError(`heartbeat.allow: ${JSON.stringify(entry)}: ${net.problem}`, { entry });
    list.addSubnet(net.address, net.prefix, net.family);
  }
  // BlockList.check costs microseconds (it parses the address each time) and a monitor asks
  // from the same few addresses: remember answers. Bounded, so spoofed sources cannot grow it.
  const seen = new Map<string, boolean>();
  return {
    entries: [...entries],
    allows(address) {
      const known = seen.get(address);
      if (known !== undefined) return known;
      const family = isIP(address);
      const allowed = family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
      if (seen.size >= MAX_REMEMBERED) seen.clear();
      seen.set(address, allowed);
      return allowed;
    },
  };
}

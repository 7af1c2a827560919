import { BlockList, isIP } from 'node:net';
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
    const [addr = '', prefixText, extra] = entry.trim().split('/');
    const family = isIP(addr);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined) {
      throw new AllowListError(`heartbeat.allow: "${entry}" is not an IP address or CIDR network`, { entry });
    }
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (prefixText !== undefined && (!/^\d{1,3}$/.test(prefixText) || prefix > max)) {
      throw new AllowListError(`heartbeat.allow: "${entry}" has a prefix length outside 0..${max}`, { entry });
    }
    list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
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

import { isIP } from 'node:net';

/** `problem` states the rule broken, as config errors do (the caller names the key and the value). */
export type Network = { ok: true; address: string; prefix: number; family: 'ipv4' | 'ipv6' } | { ok: false; problem: string };

/**
 * `a.b.c.d/n`, `x:y::/n` or a bare address (a /32 or /128), as `heartbeat.allow` lists them.
 * One parser, so the config check at load and the heartbeat's matcher accept the same entries.
 */
export function parseNetwork(entry: string): Network {
  const [addr = '', prefixText, extra] = entry.trim().split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return { ok: false, problem: 'expected a network like "127.0.0.0/8"' };
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefixText !== undefined && (!/^\d{1,3}$/.test(prefixText) || prefix > max)) {
    return { ok: false, problem: `expected a prefix length 0..${max}` };
  }
  return { ok: true, address: addr, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

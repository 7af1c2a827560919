import type { HttpTokenConfig } from '../../shared/config/index.js';

/** What the token a request came with may do (one `[[http.tokens]]`). */
export interface TokenScope {
  name: string;
  servers: 'all' | readonly string[];
  actions: 'all' | readonly string[];
  readOnly: boolean;
  ratePerSecond: number;
}

export function scopeOf(t: HttpTokenConfig): TokenScope {
  return { name: t.name, servers: t.servers, actions: t.actions, readOnly: t.read_only, ratePerSecond: t.rate_per_second };
}

export const allowsServer = (s: TokenScope, server: string): boolean => s.servers === 'all' || s.servers.includes(server);

/** Action names are case-insensitive, as the sender reads them. */
export const allowsAction = (s: TokenScope, action: string): boolean => s.actions === 'all' || s.actions.some((a) => a.toLowerCase() === action.toLowerCase());

/** The servers a listing may show: the asked one (if allowed), else every allowed one; undefined = all. */
export function visibleServers(s: TokenScope, asked?: string): readonly string[] | undefined {
  if (asked !== undefined) return [asked];
  return s.servers === 'all' ? undefined : s.servers;
}

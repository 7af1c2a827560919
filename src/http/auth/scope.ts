import { HttpError } from '../errors.js';
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

export const forbiddenServer = (s: TokenScope, server: string): HttpError =>
  new HttpError(403, `server: token ${JSON.stringify(s.name)} may not use server ${JSON.stringify(server)}`, 'server', "not in the token's servers");

/** The servers a reading covers: the asked one (403 when not the token's), else all the token's (undefined = every server). */
export function visibleServers(s: TokenScope, asked: string | undefined): readonly string[] | undefined {
  if (asked === undefined) return s.servers === 'all' ? undefined : s.servers;
  if (!allowsServer(s, asked)) throw forbiddenServer(s, asked);
  return [asked];
}

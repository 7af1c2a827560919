import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { TokenScope } from './scope.js';
import type { TokenTable } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's scope; null only on public routes (and before the auth hook). */
    scope: TokenScope | null;
  }
  interface FastifyContextConfig {
    /** Answer without a token and without counting against a rate limit (only /health). */
    public?: boolean;
  }
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Every request but a public route's must carry `Authorization: Bearer <token>` naming a
 * configured token; its scope is put on the request. Runs first (onRequest), so nothing else,
 * not even body parsing, is done for a caller without a token. Unknown paths are 401 too: the
 * server says nothing of itself to a caller without a token.
 */
export function installAuth(app: FastifyInstance, tokens: TokenTable): void {
  app.decorateRequest('scope', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public === true) return;
    const m = BEARER.exec(request.headers.authorization ?? '');
    if (m === null) throw new HttpError(401, 'a bearer token is required (Authorization: Bearer <token>)', 'authorization', 'required');
    const scope = tokens.find(m[1]!);
    if (scope === undefined) throw new HttpError(401, 'the token is not one of [[http.tokens]]', 'authorization', 'unknown token');
    request.scope = scope;
  });
}

/** The scope of an authenticated request (route handlers of non-public routes). */
export function scopeOf(request: FastifyRequest): TokenScope {
  if (request.scope === null) throw new HttpError(401, 'a bearer token is required (Authorization: Bearer <token>)', 'authorization', 'required');
  return request.scope;
}

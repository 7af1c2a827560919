import type { Server as HttpsServer } from 'node:https';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import fastify, { LogController, type FastifyHttpsOptions, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { installAuth } from './auth/auth-hook.js';
import { TokenTable } from './auth/tokens.js';
import type { AmiqRoutePlugin, HttpDeps } from './deps.js';
import { installErrorHandler } from './error-handler.js';
import { errorSchema, HttpError } from './errors.js';
import { coerceQueryIntegers } from './query-integers.js';
import { ROUTES } from './routes/index.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { tlsOptions } from './tls.js';

export interface BuildHttpServerOptions {
  /** Route groups besides ROUTES (tests; another build's extras). */
  extraRoutes?: readonly AmiqRoutePlugin[];
  /** Told each answer's status code (the worker counts them for `amiq status`). */
  onResponse?: (statusCode: number) => void;
}

/**
 * The HTTP API as a fastify instance, not yet listening (tests `inject` into it; the worker
 * calls `listen`). Order matters: auth (onRequest) before the rate limit (preValidation, keyed by
 * token name) before any route, and swagger before the routes it documents.
 */
export async function buildHttpServer(deps: HttpDeps, opts: BuildHttpServerOptions = {}): Promise<FastifyInstance> {
  const { http } = deps.config;
  const common: FastifyServerOptions = {
    loggerInstance: deps.logger,
    // Per-request info logs would cost more than the request; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: http.body_limit_bytes,
    // Long polls end early on close instead of holding the drain (deps.closing).
    forceCloseConnections: 'idle',
    // Nothing coerced or removed: a body is judged as sent (query/path integers: query-integers.ts).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false, allowUnionTypes: true } },
  };
  const https = tlsOptions(http);
  const app = (https === undefined ? fastify(common) : fastify({ ...(common as FastifyHttpsOptions<HttpsServer>), https })) as unknown as FastifyInstance;

  const onResponse = opts.onResponse;
  if (onResponse !== undefined) app.addHook('onResponse', async (_request, reply) => onResponse(reply.statusCode));
  installErrorHandler(app);
  installAuth(app, new TokenTable(http.tokens));
  app.addHook('preValidation', coerceQueryIntegers);
  await app.register(rateLimit, {
    global: true,
    hook: 'preValidation',
    timeWindow: 1000,
    keyGenerator: (request) => request.scope?.name ?? request.ip,
    max: (request) => request.scope?.ratePerSecond ?? 1,
    allowList: (request) => request.routeOptions.config.public === true || request.scope?.ratePerSecond === 0,
    errorResponseBuilder: (request, ctx) =>
      new HttpError(
        429,
        `token ${JSON.stringify(request.scope?.name)}: more than ${ctx.max} requests per second; retry in ${ctx.after}`,
        'authorization',
        'rate limit',
      ),
  });
  for (const schema of [errorSchema, ...SHARED_SCHEMAS]) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'amiq HTTP API', version: '1', description: 'The amiq queue over HTTP/JSON: the same rules, rows and outcomes as the database.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  for (const routes of [...ROUTES, ...(opts.extraRoutes ?? [])]) await app.register(routes, deps);
  return app;
}

import { listLiveCallRows } from '../../shared/db/queue/list-live-call-rows.js';
import { visibleServers } from '../auth/scope.js';
import { scopeOf } from '../auth/auth-hook.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { canSee } from '../rows/visible-row.js';
import { SpanProbe } from '../span-probe.js';

const spanSchema = {
  type: ['object', 'null'],
  properties: {
    channels: {
      type: 'array',
      items: { type: 'object', properties: { position: { type: 'integer' }, channel: { type: 'integer' }, up: { type: 'boolean' } } },
    },
    cleaner_alive: { type: 'boolean', description: 'bit 63: the meetme-cleaner is alive' },
    read_at: { type: 'string' },
  },
} as const;

/**
 * GET /v1/channels: the heartbeat's view. The E1 span lives only in the heartbeat's memory, so it
 * is read from the local heartbeat over its UDP protocol (this host's server only; span null with
 * span_error when it does not answer); live calls are the rows whose call is in progress.
 */
export const channelsRoutes: AmiqRoutePlugin = async (app, deps) => {
  const probe = new SpanProbe(deps.config.heartbeat);
  const local = deps.config.server.name;
  app.get<{ Querystring: { server?: string } }>(
    '/v1/channels',
    {
      schema: {
        tags: ['channels'],
        summary: "the E1 span (this host's heartbeat) and the calls in progress",
        querystring: { type: 'object', additionalProperties: false, properties: { server: { type: 'string', minLength: 1 } } },
        response: {
          200: {
            type: 'object',
            required: ['server', 'span', 'span_error', 'live_calls'],
            properties: {
              server: { type: 'string', description: "the span's server: this host's" },
              span: spanSchema,
              span_error: { type: ['string', 'null'] },
              live_calls: { type: 'array', items: { $ref: 'Row#' } },
            },
          },
          403: { $ref: 'Error#' },
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const servers = visibleServers(scope, request.query.server);
      const spanVisible = servers === undefined || servers.includes(local);
      const [reading, calls] = await Promise.all([
        spanVisible ? probe.read() : Promise.resolve({ span: null, error: `the span is ${local}'s (this host's); not asked for` }),
        listLiveCallRows(deps.db, servers),
      ]);
      return { server: local, span: reading.span, span_error: reading.error, live_calls: calls.filter((r) => canSee(scope, r)) };
    },
  );
};

import { listOpenRooms } from '../../shared/db/conferences/list-open-rooms.js';
import { visibleServers } from '../auth/scope.js';
import { scopeOf } from '../auth/auth-hook.js';
import type { AmiqRoutePlugin } from '../deps.js';

const roomSchema = {
  type: 'object',
  properties: {
    server: { type: 'string' },
    kind: { type: 'string', description: 'confbridge | meetme' },
    room: { type: 'string' },
    members: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          channel: { type: 'string' },
          user: { type: 'string' },
          joined_at: { type: 'string' },
          first_seen: { type: 'string' },
          kicked: { type: 'object', additionalProperties: true, description: 'reason, at, queue_id, dry_run: once the cleaner decided a kick' },
        },
      },
    },
    member_count: { type: 'integer' },
    alone_since: { type: ['string', 'null'], description: 'since when one member is alone' },
    first_seen: { type: 'string' },
    last_seen: { type: 'string', description: "the cleaner's last listing of the room" },
  },
} as const;

const members = (text: string): unknown[] => {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
};

/** GET /v1/conferences: open rooms as the meetme-cleaner last listed them (members, alone since). */
export const conferencesRoutes: AmiqRoutePlugin = async (app, deps) => {
  app.get<{ Querystring: { server?: string } }>(
    '/v1/conferences',
    {
      schema: {
        tags: ['conferences'],
        summary: 'open conference rooms: members, alone since (the meetme-cleaner keeps them)',
        querystring: { type: 'object', additionalProperties: false, properties: { server: { type: 'string', minLength: 1 } } },
        response: { 200: { type: 'object', required: ['rooms'], properties: { rooms: { type: 'array', items: roomSchema } } }, 403: { $ref: 'Error#' } },
      },
    },
    async (request) => {
      const rooms = await listOpenRooms(deps.db, visibleServers(scopeOf(request), request.query.server));
      return { rooms: rooms.map((r) => ({ ...r, members: members(r.members) })) };
    },
  );
};

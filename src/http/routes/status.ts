import { countQueueByStatus, oldestNewRow } from '../../shared/db/index.js';
import { QUEUE_STATUSES } from '../../shared/db/schema.js';
import { isAlive, listWorkers } from '../../shared/worker/index.js';
import { queueTimeMs } from '../../shared/queue/queue-time.js';
import { allowsServer, forbiddenServer } from '../auth/scope.js';
import { scopeOf } from '../auth/auth-hook.js';
import type { AmiqRoutePlugin } from '../deps.js';

const workerSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    state: { type: 'string', description: 'starting | running | stopping | stopped | crashed' },
    alive: { type: 'boolean', description: 'beat within 3 × beat_seconds and not stopped' },
    ami_state: { type: 'string', description: 'connected | connecting | disconnected | n/a' },
    pid: { type: 'integer' },
    host: { type: 'string' },
    started_at: { type: 'string' },
    beat_at: { type: 'string' },
    counters: { type: 'object', additionalProperties: { type: 'number' } },
    last_error: { type: ['string', 'null'] },
    last_error_at: { type: ['string', 'null'] },
  },
} as const;

const serverSchema = {
  type: 'object',
  required: ['server', 'workers', 'queue', 'oldest_new'],
  properties: {
    server: { type: 'string' },
    workers: { type: 'array', items: workerSchema },
    queue: {
      type: 'object',
      description: 'rows in manager_queue by status',
      properties: Object.fromEntries(QUEUE_STATUSES.map((s) => [s, { type: 'integer' }])),
    },
    oldest_new: {
      type: ['object', 'null'],
      description: 'the oldest row still waiting to be sent',
      properties: { id: { type: 'integer' }, created_at: { type: 'string' }, age_seconds: { type: ['number', 'null'] } },
    },
  },
} as const;

/** Seconds since a time column's instant; null when it names none (a client may write odd text on SQLite). */
const ageSeconds = (time: string, now: number): number | null => {
  const ms = queueTimeMs(time);
  return ms === null ? null : Math.max(0, (now - ms) / 1000);
};

const parseCounters = (text: string): Record<string, number> => {
  try {
    return JSON.parse(text) as Record<string, number>;
  } catch {
    return {};
  }
};

/** GET /v1/status: per server (of the token's), its workers with their AMI state, queue depth by status, oldest NEW row's age. */
export const statusRoutes: AmiqRoutePlugin = async (app, deps) => {
  app.get<{ Querystring: { server?: string } }>(
    '/v1/status',
    {
      schema: {
        tags: ['status'],
        summary: 'workers per server with their AMI state, queue depth by status, oldest NEW row age',
        querystring: { type: 'object', additionalProperties: false, properties: { server: { type: 'string', minLength: 1 } } },
        response: {
          200: { type: 'object', required: ['time', 'servers'], properties: { time: { type: 'string' }, servers: { type: 'array', items: serverSchema } } },
          403: { $ref: 'Error#' },
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const asked = request.query.server;
      if (asked !== undefined && !allowsServer(scope, asked)) throw forbiddenServer(scope, asked);
      const [workers, counts] = await Promise.all([listWorkers(deps.db, asked), countQueueByStatus(deps.db, asked)]);
      const names = new Set<string>([...workers.map((w) => w.server), ...counts.map((c) => c.server)]);
      if (asked !== undefined) names.add(asked);
      else names.add(deps.config.server.name);
      const servers = [...names].filter((s) => allowsServer(scope, s)).sort();
      const now = Date.now();
      const beat = deps.config.workers.beat_seconds;
      const out = await Promise.all(
        servers.map(async (server) => {
          const oldest = await oldestNewRow(deps.db, server);
          const queue = Object.fromEntries(counts.filter((c) => c.server === server).map((c) => [c.status, Number(c.count)]));
          return {
            server,
            workers: workers.filter((w) => w.server === server).map((w) => ({ ...w, alive: isAlive(w, now, beat), counters: parseCounters(w.counters) })),
            queue,
            oldest_new: oldest === undefined ? null : { ...oldest, age_seconds: ageSeconds(oldest.created_at, now) },
          };
        }),
      );
      return { time: new Date(now).toISOString(), servers: out };
    },
  );
};

import type { AmiqRoutePlugin } from '../deps.js';

/**
 * GET /health: up or down, nothing else (no token needed, so it says nothing about the queue).
 * Down = the database does not answer.
 */
export const healthRoutes: AmiqRoutePlugin = async (app, deps) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'up or down (no token needed)',
        security: [],
        response: {
          200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up'] } } },
          503: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['down'] } } },
        },
      },
    },
    async (_request, reply) => {
      try {
        await deps.db.selectFrom('workers').select('server').limit(1).execute();
        return { status: 'up' as const };
      } catch {
        return reply.code(503).send({ status: 'down' as const });
      }
    },
  );
};

import { collectDefaultMetrics, Registry } from 'prom-client';
import { sharedFeed } from '../change-feed/shared-feed.js';
import type { AmiqRoutePlugin } from '../deps.js';
import { databaseGauges } from '../metrics/database-gauges.js';
import { latencyHistograms } from '../metrics/latency-histograms.js';

/**
 * GET /metrics: Prometheus text format, a token needed like every route but /health. The workers
 * run in other processes, so the figures come from the database (the queue, the workers table)
 * at each scrape and from the change feed (latency histograms); the http worker's own process
 * metrics come with them (amiq_http_ prefix).
 */
export const metricsRoutes: AmiqRoutePlugin = async (app, deps) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'amiq_http_' });
  const gauges = databaseGauges(registry, deps.db, deps.config.workers.beat_seconds);
  const feed = sharedFeed(deps);
  const histograms = latencyHistograms(registry, feed);
  app.addHook('onReady', async () => {
    // Latencies count from now; a database not answering yet is tried again by the first stream.
    await feed.start().catch((err: unknown) => deps.logger.warn({ err }, 'metrics: change feed not started'));
  });
  app.addHook('onClose', async () => histograms.stop());

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text format)',
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      await gauges.refresh();
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RelayMetrics } from './metrics.js';

/** GET /metrics in Prometheus' text format (no secrets: open like /healthz). */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: RelayMetrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['ops'],
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text exposition format', examples: ['relay_webhooks_total{source="zoom",outcome="accepted",reason=""} 42'] }) },
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};

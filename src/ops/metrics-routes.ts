import Fastify, { type FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RelayMetrics } from './metrics.js';

/** GET /metrics in Prometheus' text format: no secrets, but keep it off the public port (server.metricsPort). */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: RelayMetrics }> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['ops'],
        produces: ['text/plain'],
        response: {
          200: Type.String({
            description: 'Prometheus text exposition format',
            examples: ['relay_webhooks_total{source="zoom",outcome="accepted",reason=""} 42'],
          }),
        },
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};

/**
 * Serves /metrics on a port of its own (server.metricsPort), from the relay's start to its close,
 * so the public port never shows it: expose only the public port to the internet.
 */
export function serveMetricsApart(
  app: FastifyInstance,
  { metrics, port, host }: { metrics: RelayMetrics; port: number; host: string },
): void {
  const server = Fastify({ logger: false });
  void server.register(metricsRoutes, { metrics });
  app.addHook('onReady', async () => {
    await server.listen({ port, host });
  });
  app.addHook('onClose', async () => {
    await server.close();
  });
}

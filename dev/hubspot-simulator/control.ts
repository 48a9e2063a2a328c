import type { FastifyPluginAsync } from 'fastify';
import { parseFault } from './fault-parse.js';
import type { SimulatorState } from './state.js';
import type { RateLimit, TokenTable } from './types.js';

/**
 * The JS API over HTTP, for when the simulator runs as its own process (benchmarks,
 * child-process tests). Under /_simulator so it cannot collide with a HubSpot path.
 */
export const controlRoutes: FastifyPluginAsync<{ state: SimulatorState }> = async (app, { state }) => {
  app.get('/_simulator/requests', async () => state.requests());
  app.get('/_simulator/attendance', async () => state.attendance());
  app.get('/_simulator/stats', async () => state.stats());

  app.post('/_simulator/faults', async (request, reply) => {
    const parsed = parseFault(request.body);
    if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
    state.faults.add(parsed.fault);
    return { ok: true };
  });

  app.delete('/_simulator/faults', async () => {
    state.faults.clear();
    return { ok: true };
  });

  app.post('/_simulator/reset', async () => {
    state.reset();
    return { ok: true };
  });

  app.put<{ Body: TokenTable }>('/_simulator/tokens', { schema: { body: tokenTableSchema } }, async (request) => {
    state.tokens = request.body;
    return { ok: true };
  });

  app.put<{ Body: RateLimit }>('/_simulator/rate-limit', { schema: { body: rateLimitSchema } }, async (request) => {
    state.limiter.setLimit(request.body);
    return { ok: true };
  });
};

const tokenTableSchema = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['scopes'],
    properties: { scopes: { type: 'array', items: { type: 'string' } } },
  },
} as const;

const rateLimitSchema = {
  type: 'object',
  required: ['max', 'intervalMs'],
  properties: {
    max: { type: 'integer', minimum: 1 },
    intervalMs: { type: 'integer', minimum: 1 },
  },
} as const;

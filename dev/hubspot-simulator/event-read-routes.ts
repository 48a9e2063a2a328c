import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { PortalState } from './portal.js';
import { authenticationError, missingScopesError, rateLimitError } from './responses.js';
import type { SimulatorState } from './state.js';
import { bearerToken } from './validate.js';

/** The scope "Get Marketing Event by objectId" demands (official spec: security oauth2). */
export const READ_SCOPE = 'crm.objects.marketing_events.read';

/**
 * `GET /marketing/v3/marketing-events/{objectId}` ("Get Marketing Event by objectId" in
 * spec/hubspot-marketing-events-v3.json): 200 MarketingEventPublicReadResponseV2, or 404. Checked
 * in HubSpot's order (authentication, scope, rate limit) and counted in the rate window, with the
 * X-HubSpot-RateLimit-* headers like every authenticated call.
 */
export const eventReadRoutes: FastifyPluginAsync<{ state: SimulatorState; portal: PortalState }> = async (app, { state, portal }) => {
  app.get<{ Params: { objectId: string } }>('/marketing/v3/marketing-events/:objectId', async (request, reply) => {
    const now = Date.now();
    const token = bearerToken(request.headers.authorization);
    const grant = token === undefined ? undefined : state.tokens[token];
    const answer = (status: number, body: unknown, headers: Record<string, string>) => {
      portal.logRead({ method: 'GET', path: '/marketing/v3/marketing-events/{objectId}', status });
      return reply.code(status).headers(headers).send(body);
    };
    if (token === undefined || grant === undefined) return answer(401, authenticationError(), state.limiter.headers(undefined, now));
    if (!grant.scopes.includes(READ_SCOPE)) {
      const body = missingScopesError() as { errors: Array<{ context: { requiredScopes: string[] } }> };
      body.errors[0]!.context.requiredScopes = [READ_SCOPE];
      return answer(403, body, state.limiter.headers(token, now));
    }
    const blocked = state.limiter.blockingPolicy(token, now);
    if (blocked !== undefined) return answer(429, rateLimitError(blocked), state.limiter.headers(token, now, blocked));
    state.limiter.admit(token, now);
    const event = portal.marketingEvent(request.params.objectId);
    if (!event) {
      const notFound = {
        status: 'error',
        message: `Marketing event ${request.params.objectId} not found`,
        correlationId: randomUUID(),
        category: 'OBJECT_NOT_FOUND',
      };
      return answer(404, notFound, state.limiter.headers(token, now));
    }
    const { createdAt, ...fields } = event;
    return answer(200, { ...fields, createdAt, updatedAt: createdAt, customProperties: [] }, state.limiter.headers(token, now));
  });

  // Test control for a simulator in its own process (the JS API has simulator.portal).
  app.post<{ Body: { objectId: string; eventName: string } }>(
    '/_simulator/marketing-events',
    {
      schema: {
        body: {
          type: 'object',
          required: ['objectId', 'eventName'],
          properties: { objectId: { type: 'string', minLength: 1 }, eventName: { type: 'string' } },
        },
      },
    },
    async (request) => {
      portal.addMarketingEvent(request.body);
      return { ok: true };
    },
  );
};

import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { RELAY_VERSION } from '../support/version.js';

/** Collects every route's schema into an OpenAPI document (registered before the routes). */
export async function registerOpenapi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'hubspot-attendance-relay',
        version: RELAY_VERSION,
        description:
          'Receives event-platform webhooks, stores them durably, and delivers attendance (register, attend, cancel) to HubSpot marketing events in batches. Generated from the route schemas: `npm run openapi`.',
      },
      tags: [
        { name: 'webhooks', description: 'Platform webhooks; one route per configured source id' },
        { name: 'ops', description: 'Health, readiness and metrics for orchestrators' },
        { name: 'admin', description: 'For operators; only with admin.token (ADMIN_TOKEN) set' },
        {
          name: 'hubspot-intake',
          description: "HubSpot's attendance endpoints, for HubSpot's own SDK pointed at the relay; only with intake.tokens set",
        },
      ],
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'admin.token / ADMIN_TOKEN' } } },
    },
  });
}

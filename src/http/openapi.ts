import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { buildApp } from '../app.js';
import { parseConfig } from '../config/load.js';

/** Collects every route's schema into an OpenAPI document (registered before the routes). */
export async function registerOpenapi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'hubspot-attendance-relay',
        version,
        description:
          'Receives event-platform webhooks, stores them durably, and delivers attendance (register, attend, cancel) to HubSpot marketing events in batches. Generated from the route schemas: `npm run openapi`.',
      },
      tags: [
        { name: 'webhooks', description: 'Platform webhooks; one route per configured source id' },
        { name: 'ops', description: 'Health, readiness and metrics for orchestrators' },
        { name: 'admin', description: 'For operators; only with admin.token (ADMIN_TOKEN) set' },
        { name: 'hubspot-intake', description: "HubSpot's attendance endpoints, for HubSpot's own SDK pointed at the relay; only with intake.tokens set" },
      ],
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'admin.token / ADMIN_TOKEN' } } },
    },
  });
}

/** The OpenAPI document of a relay with one Zoom source named "zoom", as YAML. */
export async function openapiYaml(): Promise<string> {
  const config = parseConfig(
    {
      store: { url: 'sqlite::memory:' },
      hubspot: { accessToken: 'unused', baseUrl: 'http://127.0.0.1:9' },
      logging: { level: 'silent' },
      admin: { token: 'documentation-only-token' },
      intake: { tokens: ['documentation-only-intake-token'] }, // documents the HubSpot-compatible intake routes
      sources: [{ id: 'zoom', type: 'zoom', secretToken: 'documentation-only-secret' }],
    },
    {},
  );
  const app = await buildApp(config);
  await app.ready();
  const document = app.swagger();
  await app.close();
  return stringify(document, { lineWidth: 0 });
}

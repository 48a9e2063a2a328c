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
        { name: 'ops', description: 'Health and readiness for orchestrators' },
      ],
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
      sources: [{ id: 'zoom', type: 'zoom', secretToken: 'unused' }],
    },
    {},
  );
  const app = await buildApp(config);
  await app.ready();
  const document = app.swagger();
  await app.close();
  return stringify(document, { lineWidth: 0 });
}

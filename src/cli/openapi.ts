import { stringify } from 'yaml';
import { buildApp } from '../app/build-app.js';
import { parseConfig } from '../config/load.js';

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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { checkHubspotToken } from '../../src/cli/doctor/hubspot-token.js';
import type { DoctorContext } from '../../src/cli/doctor/types.js';
import { parseConfig } from '../../src/config/load.js';

// In-process: the static-token check against the simulator on a real port, for each kind of token.
let sim: HubspotSimulator;
beforeAll(async () => {
  sim = await startHubspotSimulator({
    tokens: { 'service-key': { scopes: [WRITE_SCOPE] }, 'oauth-access': { scopes: [WRITE_SCOPE], oauth: true } },
  });
});
afterAll(() => sim.close());

function context(token: string): DoctorContext {
  const config = parseConfig({ hubspot: { baseUrl: sim.url, accessToken: token } }, {});
  return { config, env: {}, hubspot: {}, timeoutMs: 5000 };
}

describe('doctor: the kind of a static HubSpot token', () => {
  it('a Service Key or private-app token is read from the private-app token-information endpoint', async () => {
    const ctx = context('service-key');
    const results = await checkHubspotToken(ctx);
    expect(results[0]?.message).toBe('HubSpot accepts the token (private-app token or Service Key)');
    expect(ctx.hubspot).toMatchObject({ token: 'service-key', scopes: [WRITE_SCOPE], portalId: 62515 });
    expect(sim.portal.reads().map((r) => r.path)).toEqual(['/oauth/v2/private-apps/get/access-token-info']);
  });

  it('an OAuth access token, refused there, is read from /oauth/v1/access-tokens/{token}', async () => {
    const ctx = context('oauth-access');
    const results = await checkHubspotToken(ctx);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(results[0]?.message).toBe('HubSpot accepts the token (OAuth access token)');
    expect(sim.portal.reads().slice(-2)).toEqual([
      { method: 'POST', path: '/oauth/v2/private-apps/get/access-token-info', status: 401 },
      { method: 'GET', path: '/oauth/v1/access-tokens/{token}', status: 200 },
    ]);
  });
});

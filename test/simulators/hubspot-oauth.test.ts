import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_OAUTH_APP, startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';

let sim: HubspotSimulator;
afterEach(async () => {
  await sim.close();
});

async function tokenRequest(fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${sim.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const refreshGrant = {
  grant_type: 'refresh_token',
  client_id: DEFAULT_OAUTH_APP.clientId,
  client_secret: DEFAULT_OAUTH_APP.clientSecret,
  refresh_token: DEFAULT_OAUTH_APP.refreshToken,
};

async function register(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${sim.url}/marketing/v3/marketing-events/1/attendance/register/email-create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ email: 'a@example.com', interactionDateTime: 1, properties: {}, contactProperties: {} }] }),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('the simulated OAuth token endpoint (POST /oauth/v1/token)', () => {
  it('when a refresh_token grant comes with the app’s credentials then it issues an access token the attendance routes accept until it expires', async () => {
    sim = await startHubspotSimulator();
    const granted = await tokenRequest(refreshGrant);
    expect(granted).toMatchObject({
      status: 200,
      body: { token_type: 'bearer', refresh_token: DEFAULT_OAUTH_APP.refreshToken, expires_in: 1800, access_token: expect.any(String) },
    });
    const token = String(granted.body.access_token);
    expect(sim.oauth.issued()).toEqual([token]);
    expect((await register(token)).status).toBe(200);

    sim.oauth.expireIssued();
    expect(await register(token)).toMatchObject({ status: 401, body: { category: 'EXPIRED_AUTHENTICATION' } });
  });

  it('when told to refuse, or given a wrong refresh token, client or grant type, then it answers 400 with the reason', async () => {
    sim = await startHubspotSimulator();
    expect(await tokenRequest({ ...refreshGrant, refresh_token: 'nope' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', status: 'BAD_REFRESH_TOKEN' },
    });
    expect(await tokenRequest({ ...refreshGrant, client_secret: 'nope' })).toMatchObject({
      status: 400,
      body: { error: 'invalid_client' },
    });
    expect(await tokenRequest({ ...refreshGrant, grant_type: 'authorization_code' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
    sim.oauth.refuse(true);
    expect(await tokenRequest(refreshGrant)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The same switch over HTTP, for a simulator in another process.
    const put = await request(`${sim.url}/_simulator/oauth`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refusing: false }),
    });
    expect(put.statusCode).toBe(200);
    await put.body.dump();
    expect((await tokenRequest(refreshGrant)).status).toBe(200);
    expect(sim.oauth.requests().map((r) => r.outcome)).toEqual(['refused', 'refused', 'refused', 'refused', 'granted']);
    expect(sim.oauth.issued()).toHaveLength(1);
  });
});

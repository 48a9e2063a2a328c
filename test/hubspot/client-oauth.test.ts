import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OAUTH_APP, startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { HubspotClient } from '../../src/hubspot/client.js';
import { OAuthTokens, REFRESH_REFUSED } from '../../src/hubspot/oauth-tokens.js';
import { formPoster } from '../../src/hubspot/token-endpoint.js';

let sim: HubspotSimulator;
let client: HubspotClient;

beforeEach(async () => {
  sim = await startHubspotSimulator();
});
afterEach(async () => {
  await client.close();
  await sim.close();
});

function oauthClient(refreshToken = DEFAULT_OAUTH_APP.refreshToken): HubspotClient {
  const tokens = new OAuthTokens({
    credentials: { ...DEFAULT_OAUTH_APP, refreshToken, tokenUrl: `${sim.url}/oauth/v1/token` },
    postForm: formPoster({ timeoutMs: 5000 }),
  });
  return new HubspotClient({ baseUrl: sim.url, tokens, apiVersion: '2026-09', requestTimeoutMs: 5000 });
}

const inputs = [{ email: 'a@example.com', interactionDateTime: 1, properties: {}, contactProperties: {} }];

describe('the HubSpot client on OAuth', () => {
  it('when HubSpot answers 401 to the current access token then the client refreshes once and tries once more', async () => {
    client = oauthClient();
    expect((await client.postAttendance({ objectId: '1' }, 'register', inputs)).answer.kind).toBe('ok');
    sim.oauth.expireIssued();
    expect((await client.postAttendance({ objectId: '1' }, 'register', inputs)).answer.kind).toBe('ok');
    expect(sim.requests().map((r) => r.status)).toEqual([200, 401, 200]);
    expect(sim.oauth.issued()).toHaveLength(2);
  });

  it('when the fresh token is refused too then the 401 comes back after that one retry (no loop)', async () => {
    client = oauthClient();
    await client.postAttendance({ objectId: '1' }, 'register', inputs);
    sim.inject({ kind: 'status', status: 401, count: 5 }); // HubSpot refuses every token, old and new
    const call = await client.postAttendance({ objectId: '1' }, 'register', inputs);
    expect(call.answer).toMatchObject({ kind: 'auth', status: 401 });
    expect(sim.requests().map((r) => r.status)).toEqual([200, 401, 401]);
  });

  it('when the refresh token is refused then the answer is an auth refusal and nothing reaches the attendance endpoint', async () => {
    client = oauthClient('revoked');
    const call = await client.postAttendance({ objectId: '1' }, 'register', inputs);
    expect(call.answer).toMatchObject({
      kind: 'auth',
      status: 400,
      category: REFRESH_REFUSED,
      message: expect.stringContaining('invalid_grant'),
    });
    expect(sim.requests()).toEqual([]);
  });

  it('when a fixed token gets 401 then there is no second try', async () => {
    client = new HubspotClient({ baseUrl: sim.url, accessToken: 'revoked', requestTimeoutMs: 5000 });
    expect((await client.postAttendance({ objectId: '1' }, 'register', inputs)).answer.kind).toBe('auth');
    expect(sim.requests()).toHaveLength(1);
  });
});

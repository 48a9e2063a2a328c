import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { checkHubspotToken } from '../../src/cli/doctor/hubspot-token.js';
import type { DoctorContext } from '../../src/cli/doctor/types.js';
import { checkZoomApi } from '../../src/cli/doctor/zoom-api.js';
import { parseConfig } from '../../src/config/load.js';

/**
 * doctor's checks of the credentials that are not HubSpot static tokens (hubspot.oauth, issue 19; a
 * Zoom source's api, issue 18), run in-process on a loaded configuration against real servers on
 * real ports: the simulator's token endpoint, and a stand-in for Zoom's whose answers each test sets.
 */
interface Seen {
  url: string;
  authorization?: string;
  body: string;
}
let sim: HubspotSimulator;
let server: Server;
let baseUrl = '';
const seen: Seen[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: {} };

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (c: Buffer) => (text += c.toString()));
    request.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  sim = await startHubspotSimulator({ tokens: { 'oauth-access-token': { scopes: [WRITE_SCOPE] } } });
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      seen.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => server.close(resolve));
});

function context(extra: { oauth?: object; zoomApi?: object }): DoctorContext {
  const config = parseConfig(
    {
      hubspot: { baseUrl: sim.url, accessToken: 'unused-static-token' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: 'a-zoom-secret-of-32-characters!!' }],
    },
    {},
  );
  if (extra.oauth) Object.assign(config.hubspot, { oauth: extra.oauth });
  if (extra.zoomApi) Object.assign(config.sources[0] as object, { api: extra.zoomApi });
  return { config, env: {}, hubspot: {}, timeoutMs: 5000 };
}

describe('doctor: hubspot.oauth', () => {
  const oauth = () => ({
    clientId: 'client-id',
    clientSecret: 'client-secret',
    refreshToken: 'refresh-token',
    tokenUrl: `${baseUrl}/oauth/v1/token`,
  });

  it("refreshes with grant_type=refresh_token, then reads the new token's scopes and portal from /oauth/v1/access-tokens", async () => {
    answer = {
      status: 200,
      body: { access_token: 'oauth-access-token', refresh_token: 'refresh-token', expires_in: 1800, token_type: 'bearer' },
    };
    const results = await checkHubspotToken(context({ oauth: oauth() }));
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ['ok', 'the OAuth refresh works'],
      ['ok', 'HubSpot accepts the token (OAuth access token)'],
      ['ok', `the token has ${WRITE_SCOPE}`],
      ['ok', 'portal (hub id) 62515'],
    ]);
    const form = new URLSearchParams(seen.at(-1)?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client-id',
      client_secret: 'client-secret',
      refresh_token: 'refresh-token',
    });
  });

  it('a refused refresh (invalid_grant) is ✗ with the fix', async () => {
    answer = { status: 400, body: { status: 'BAD_REFRESH_TOKEN', error: 'invalid_grant', message: 'missing or unknown refresh token' } };
    const results = await checkHubspotToken(context({ oauth: oauth() }));
    expect(results).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: 'OAuth token refresh refused (HTTP 400 invalid_grant): missing or unknown refresh token',
        fix: expect.stringContaining('refresh token'),
      }),
    ]);
  });
});

describe("doctor: a Zoom source's api block", () => {
  const api = () => ({ accountId: 'acct-1', clientId: 'zoom-client', clientSecret: 'zoom-secret', oauthUrl: `${baseUrl}/oauth/token` });

  it('gets a token (account_credentials, HTTP Basic) and finds the report and webinar scopes', async () => {
    answer = {
      status: 200,
      body: {
        access_token: 'zoom-access',
        token_type: 'bearer',
        expires_in: 3600,
        scope: 'report:read:list_webinar_participants:admin webinar:read:list_registrants:admin',
      },
    };
    const results = await checkZoomApi(context({ zoomApi: api() }));
    expect(results).toEqual([
      expect.objectContaining({ status: 'ok', message: expect.stringContaining('report and webinar read scopes') }),
    ]);
    const call = seen.at(-1) as Seen;
    expect(new URL(call.url, baseUrl).searchParams.get('grant_type')).toBe('account_credentials');
    expect(new URL(call.url, baseUrl).searchParams.get('account_id')).toBe('acct-1');
    expect(call.authorization).toBe(`Basic ${Buffer.from('zoom-client:zoom-secret').toString('base64')}`);
  });

  it('a token without the report scope, and refused credentials, are ✗', async () => {
    answer = { status: 200, body: { access_token: 'zoom-access', expires_in: 3600, scope: 'webinar:read:admin' } };
    expect(await checkZoomApi(context({ zoomApi: api() }))).toEqual([
      expect.objectContaining({ status: 'fail', message: 'zoom: the Zoom api token lacks report:read:*' }),
    ]);
    answer = { status: 401, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } };
    expect(await checkZoomApi(context({ zoomApi: api() }))).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: 'zoom: Zoom refused the api credentials (token: Zoom 401: Invalid client_id or client_secret)',
      }),
    ]);
  });

  it('without the api block nothing is checked', async () => {
    expect(await checkZoomApi(context({}))).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { participantEvent, registrationEvent, zoomHeaders } from '../support/zoom.js';

const HUBSPOT_TOKEN = 'pat-test-not-a-real-token-never-log-me-0000';
const ZOOM_SECRET = 'zoom-secret-never-log-me-9f8e7d';
const QUERY_TOKEN = 'query-token-never-log-me-1a2b3c';
const EVENTBRITE_WEBHOOK_TOKEN = 'eventbrite-webhook-token-never-log-me-5e6f';
const EVENTBRITE_API_TOKEN = 'eventbrite-api-token-never-log-me-7a8b';
const ADMIN_TOKEN = 'admin-token-never-log-me-9c0d1e2f';
const INTAKE_TOKEN = 'intake-token-never-log-me-3a4b5c6d';
const GENERIC_SECRET = 'generic-bearer-secret-never-log-me-7e8f';
const EMAIL = 'private.person@example.com';

let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any', tokens: { [HUBSPOT_TOKEN]: { scopes: [WRITE_SCOPE] } } });
});

afterEach(async () => {
  if (relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

describe('secrets never reach logs or responses', () => {
  it('when the relay works, refuses, retries and is refused by HubSpot, then no secret and no raw email appears in any log line or error body', async () => {
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: '${SECRET_HUBSPOT_TOKEN}', batchWaitMs: 10, authProbeIntervalMs: 200 },
      logging: { level: 'trace' },
      admin: { token: '${SECRET_ADMIN}' },
      intake: { tokens: ['${SECRET_INTAKE}'] },
      sources: [
        { id: 'zoom', type: 'zoom', secretToken: '${SECRET_ZOOM}' },
        // An unreachable Eventbrite: fetches fail and are retried, which logs.
        {
          id: 'eventbrite',
          type: 'eventbrite',
          webhookToken: '${SECRET_EB_WEBHOOK}',
          apiToken: '${SECRET_EB_API}',
          apiBaseUrl: 'http://127.0.0.1:9/v3',
          requestTimeoutMs: 500,
        },
        {
          id: 'kiosk',
          type: 'generic',
          verify: { scheme: 'bearer', token: '${SECRET_GENERIC}' },
          map: { eventType: 'type', states: { checkin: 'attend' }, email: 'email', occurredAt: 'at', sourceEventId: 'event' },
        },
      ],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '42' } }],
    });
    relay = await spawnRelay(['serve', '--config', file], {
      env: {
        SECRET_HUBSPOT_TOKEN: HUBSPOT_TOKEN,
        SECRET_ZOOM: ZOOM_SECRET,
        SECRET_ADMIN: ADMIN_TOKEN,
        SECRET_INTAKE: INTAKE_TOKEN,
        SECRET_EB_WEBHOOK: EVENTBRITE_WEBHOOK_TOKEN,
        SECRET_EB_API: EVENTBRITE_API_TOKEN,
        SECRET_GENERIC: GENERIC_SECRET,
      },
    });
    const responses: string[] = [];
    const send = async (path: string, body: string, headers: Record<string, string>) => {
      const res = await request(relay.url + path, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${HUBSPOT_TOKEN}` },
        body,
      });
      responses.push(await res.body.text());
    };
    // HubSpot first fails, then answers with an error that names the email: retried, then dead-lettered.
    hubspot.inject({ kind: 'status', status: 503, count: 1 });
    hubspot.inject({ kind: 'input-error', category: 'VALIDATION_ERROR', message: `Invalid email \`${EMAIL}\``, match: { email: EMAIL } });
    const good = JSON.stringify(registrationEvent('created', '7', { email: EMAIL }));
    await send('/webhooks/zoom', good, zoomHeaders(ZOOM_SECRET, good));
    await send(`/webhooks/zoom?token=${QUERY_TOKEN}`, good, { ...zoomHeaders(ZOOM_SECRET, good), 'x-zm-signature': 'v0=bad' });
    await send('/webhooks/zoom', '{not json', zoomHeaders(ZOOM_SECRET, '{not json'));
    await send(`/webhooks/unknown?token=${QUERY_TOKEN}`, good, zoomHeaders(ZOOM_SECRET, good));
    await waitFor(() => relay.logs.some((l) => l.msg === 'record dead-lettered'), 'the registration dead-lettered');
    // The other secrets: right and wrong, where they travel (query, bearer, admin, intake).
    const notice = JSON.stringify({
      config: { action: 'order.placed', endpoint_url: `https://relay/webhooks/eventbrite?token=${EVENTBRITE_WEBHOOK_TOKEN}` },
      api_url: 'http://127.0.0.1:9/v3/orders/1/',
    });
    await send(`/webhooks/eventbrite?token=${EVENTBRITE_WEBHOOK_TOKEN}`, notice, { 'content-type': 'application/json' });
    await send(`/webhooks/eventbrite?token=wrong-${EVENTBRITE_WEBHOOK_TOKEN}`, notice, { 'content-type': 'application/json' });
    await send('/webhooks/kiosk', JSON.stringify({ type: 'checkin', email: EMAIL, at: '2026-11-20T15:00:00Z', event: '7' }), {
      'content-type': 'application/json',
    });
    for (const token of [ADMIN_TOKEN, `${ADMIN_TOKEN}x`]) {
      const res = await request(`${relay.url}/admin/records?state=dead`, { headers: { authorization: `Bearer ${token}` } });
      responses.push(await res.body.text());
    }
    for (const token of [INTAKE_TOKEN, `${INTAKE_TOKEN}x`]) {
      const res = await request(`${relay.url}/marketing/v3/marketing-events/42/attendance/register/email-create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ email: EMAIL, interactionDateTime: 1, properties: {}, contactProperties: {} }] }),
      });
      responses.push(await res.body.text());
    }
    await waitFor(() => relay.logs.some((l) => l.msg === 'webhook details fetch failed; will retry'), 'an Eventbrite fetch retried');
    // Then the token is refused.
    hubspot.setTokens({});
    for (const event of [
      participantEvent('joined', '7', { email: EMAIL }, '2026-11-20T15:00:00Z'),
      participantEvent('left', '7', { email: EMAIL }, '2026-11-20T15:30:00Z'),
    ]) {
      const body = JSON.stringify(event);
      await send('/webhooks/zoom', body, zoomHeaders(ZOOM_SECRET, body));
    }
    await waitFor(() => relay.logs.some((l) => String(l.msg).startsWith('HubSpot refused the access token')), 'the refusal logged');
    await request(`${relay.url}/readyz`)
      .then((r) => r.body.text())
      .then((t) => responses.push(t));
    relay.child.kill('SIGTERM');
    await relay.exited;

    const everything = [...relay.logs.map((l) => JSON.stringify(l)), ...relay.stderr, ...responses].join('\n');
    // The admin API shows emails to the operator who holds its token: only logs and other answers must not.
    const unauthenticated = [
      ...relay.logs.map((l) => JSON.stringify(l)),
      ...relay.stderr,
      ...responses.filter((r) => !r.startsWith('{"records"')),
    ].join('\n');
    expect(relay.logs.length).toBeGreaterThan(10);
    for (const secret of [
      HUBSPOT_TOKEN,
      ZOOM_SECRET,
      QUERY_TOKEN,
      EVENTBRITE_WEBHOOK_TOKEN,
      EVENTBRITE_API_TOKEN,
      ADMIN_TOKEN,
      INTAKE_TOKEN,
      GENERIC_SECRET,
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/); // "Bearer <token>" in a hint is fine, a real one is not
    expect(responses.some((r) => r.includes('ADMIN_UNAUTHORIZED'))).toBe(true);
    expect(responses.some((r) => r.includes('INVALID_AUTHENTICATION'))).toBe(true);
    expect(unauthenticated).not.toContain(EMAIL);
    expect(everything).toContain('p***@example.com'); // the email is there, masked
  });
});

describe('OAuth secrets never reach logs or responses', () => {
  const CLIENT_SECRET = 'oauth-client-secret-never-log-me-4d5e';
  const REFRESH_TOKEN = 'oauth-refresh-token-never-log-me-6f7a';

  it('when the relay refreshes access tokens, is refused one, and then has its refresh refused, then no client secret, refresh token or access token appears in any log line or answer', async () => {
    await hubspot.close();
    hubspot = await startHubspotSimulator({
      oauth: { clientId: 'relay-app', clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, expiresInSeconds: 1 },
    });
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: {
        baseUrl: hubspot.url,
        batchWaitMs: 10,
        authProbeIntervalMs: 200,
        oauth: {
          clientId: 'relay-app',
          clientSecret: '${SECRET_CLIENT}',
          refreshToken: '${SECRET_REFRESH}',
          tokenUrl: `${hubspot.url}/oauth/v1/token`,
        },
      },
      logging: { level: 'trace' },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '42' } }],
    });
    relay = await spawnRelay(['serve', '--config', file], { env: { SECRET_CLIENT: CLIENT_SECRET, SECRET_REFRESH: REFRESH_TOKEN } });
    const responses: string[] = [];
    const register = async (email: string) => {
      const body = JSON.stringify(registrationEvent('created', '7', { email }));
      const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
      responses.push(await res.body.text());
    };
    await register('first@example.com');
    await waitFor(() => hubspot.attendance().length === 1, 'the first registration delivered');
    hubspot.oauth.expireIssued(); // a 401, then a refresh
    await register('second@example.com');
    await waitFor(() => hubspot.attendance().length === 2, 'the second registration delivered after a refresh');
    hubspot.oauth.refuse(true);
    hubspot.oauth.expireIssued(); // a 401, then a refused refresh: paused
    await register('third@example.com');
    await waitFor(() => relay.logs.some((l) => String(l.msg).startsWith('HubSpot refused the access token')), 'the refusal logged');
    responses.push(await request(`${relay.url}/readyz`).then((r) => r.body.text()));
    relay.child.kill('SIGTERM');
    await relay.exited;

    const everything = [...relay.logs.map((l) => JSON.stringify(l)), ...relay.stderr, ...responses].join('\n');
    expect(hubspot.oauth.issued().length).toBeGreaterThanOrEqual(2);
    for (const secret of [CLIENT_SECRET, REFRESH_TOKEN, ...hubspot.oauth.issued()]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
    expect(everything).toContain('HUBSPOT_OAUTH_REFRESH_REFUSED');
  });
});

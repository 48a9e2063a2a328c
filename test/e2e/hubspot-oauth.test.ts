import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DEFAULT_OAUTH_APP, startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { countByStatus } from '../support/db.js';
import { killRelay, relayConfig, spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const ZOOM_SECRET = 'oauth-e2e-zoom-secret';
const ADMIN_TOKEN = 'oauth-e2e-admin-token-0123456789';
const INTAKE_TOKEN = 'oauth-e2e-intake-token-0123456789';

let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;

beforeEach(() => {
  temp = tempDir();
});

afterEach(async () => {
  killRelay(relay);
  await hubspot.close();
  temp.remove();
});

/** A relay on OAuth against the simulator's token endpoint; `refreshToken` and `apiVersion` vary per test. */
function writeOAuthConfig(options: { refreshToken?: string; apiVersion?: string } = {}): string {
  const base = relayConfig(temp.dir, hubspot.url, {
    hubspot: { batchWaitMs: 20, authProbeIntervalMs: 60_000, ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}) },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: ZOOM_SECRET }],
    events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '9090' } }],
    admin: { token: ADMIN_TOKEN },
    intake: { tokens: [INTAKE_TOKEN] },
  }) as { hubspot: Record<string, unknown> };
  const { accessToken: _none, ...hubspotSection } = base.hubspot;
  const oauth = {
    clientId: DEFAULT_OAUTH_APP.clientId,
    clientSecret: DEFAULT_OAUTH_APP.clientSecret,
    refreshToken: options.refreshToken ?? DEFAULT_OAUTH_APP.refreshToken,
    tokenUrl: `${hubspot.url}/oauth/v1/token`,
  };
  return writeConfig(temp.dir, { ...base, hubspot: { ...hubspotSection, oauth } });
}

async function register(url: string, emails: string[]): Promise<void> {
  for (const email of emails) {
    const body = JSON.stringify(registrationEvent('created', '77', { email }));
    const res = await request(`${url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  }
}

const emailsOf = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);

function delivered(emails: string[]): boolean {
  const seen = new Set(hubspot.attendance().map((r) => r.email));
  return emails.every((e) => seen.has(e));
}

describe('a relay on OAuth', () => {
  it('when configured with apiVersion 2026-09, then it delivers with an issued access token on date-version paths, and its intake answers on both path styles', async () => {
    hubspot = await startHubspotSimulator();
    relay = await spawnRelay(['serve', '--config', writeOAuthConfig({ apiVersion: '2026-09' })]);
    const emails = emailsOf('oauth', 3);
    await register(relay.url, emails);
    // The HubSpot-compatible intake, called on v3's path and on the date version's.
    for (const [i, path] of [
      '/marketing/v3/marketing-events/9090/attendance/register/email-create',
      '/marketing/marketing-events/2026-09/9090/attendance/register/email-create',
    ].entries()) {
      const res = await request(relay.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [{ email: `intake${i}@example.com`, interactionDateTime: 1, properties: {}, contactProperties: {} }],
        }),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ status: 'PENDING' });
      emails.push(`intake${i}@example.com`);
    }
    await waitFor(() => delivered(emails), 'every registration delivered');

    const calls = hubspot.requests();
    expect(calls.every((c) => c.path.startsWith('/marketing/marketing-events/2026-09/9090/attendance/register/'))).toBe(true);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(hubspot.oauth.issued()).toContain(calls[0]?.token);
  });

  it('when the access token expires, then the relay refreshes it: before it runs out, and once more when HubSpot answers 401', async () => {
    hubspot = await startHubspotSimulator({ oauth: { ...DEFAULT_OAUTH_APP, expiresInSeconds: 2 } });
    relay = await spawnRelay(['serve', '--config', writeOAuthConfig()]);
    const first = emailsOf('first', 2);
    await register(relay.url, first);
    await waitFor(() => delivered(first), 'the first batch delivered');
    const issuedAt = hubspot.oauth.requests()[0]?.at ?? 0;
    // The first token's lifetime (2 s) has run out: the relay must not send it again (it refreshes at half-life).
    await waitFor(() => Date.now() > issuedAt + 2000, 'the first access token expired');
    const second = emailsOf('second', 2);
    await register(relay.url, second);
    await waitFor(() => delivered(second), 'the second batch delivered with a refreshed token');
    expect(hubspot.requests().every((c) => c.status === 200)).toBe(true);
    expect(hubspot.oauth.issued().length).toBeGreaterThanOrEqual(2);

    // HubSpot drops the token early (401): one refresh and one more try, no pause.
    hubspot.oauth.expireIssued();
    const third = emailsOf('third', 2);
    await register(relay.url, third);
    await waitFor(() => delivered(third), 'the third batch delivered after a 401 and a refresh');
    const calls = hubspot.requests();
    const refused = calls.filter((c) => c.status === 401);
    // One 401 per batch that went out with the dropped token (two may be in flight at once).
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((c) => c.response && (c.response as { category?: string }).category === 'EXPIRED_AUTHENTICATION')).toBe(true);
    expect(calls.at(-1)?.status).toBe(200);
    expect(relay.logs.some((l) => String(l.msg).startsWith('HubSpot refused the access token'))).toBe(false);
  });

  it('when the refresh token is refused (invalid_grant), then delivery pauses with every record kept, /readyz and /status say why, and a fixed file and SIGHUP resume it', async () => {
    hubspot = await startHubspotSimulator();
    const file = writeOAuthConfig({ refreshToken: 'revoked-refresh-token' });
    relay = await spawnRelay(['serve', '--config', file]);
    const emails = emailsOf('paused', 5);
    await register(relay.url, emails);
    await waitFor(() => relay!.logs.find((l) => String(l.msg).startsWith('HubSpot refused the access token')), 'the refusal');

    const ready = await request(`${relay.url}/readyz`);
    expect(await ready.body.json()).toMatchObject({ delivery: { paused: true, pauses: ['HUBSPOT_OAUTH_REFRESH_REFUSED'] } });
    const status = await request(`${relay.url}/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const detail = JSON.stringify(await status.body.json());
    expect(detail).toContain('invalid_grant');
    expect(hubspot.requests()).toHaveLength(0); // nothing reached HubSpot without a token
    expect(countByStatus(`${temp.dir}/relay.db`).delivered ?? 0).toBe(0);

    writeOAuthConfig(); // the right refresh token
    relay.child.kill('SIGHUP');
    const reloaded = await waitFor(() => relay!.logs.find((l) => l.msg === 'configuration reloaded'), 'the reload');
    expect(reloaded).toMatchObject({ applied: ['hubspot.oauth'], needsRestart: [] });
    await waitFor(() => delivered(emails), 'everything queued delivered after the fix (the next probe was a minute away)');
    await waitFor(() => countByStatus(`${temp.dir}/relay.db`).delivered === 5, 'all 5 records marked delivered');
    const after = await request(`${relay.url}/readyz`);
    expect(await after.body.json()).toMatchObject({ delivery: { paused: false, pauses: [] } });
    expect(relay.child.exitCode).toBeNull();
  });
});

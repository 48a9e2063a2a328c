import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { countByStatus, queryDb } from '../support/db.js';
import { spawnRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const SECRET = 'auth-test-secret';
const ADMIN_TOKEN = 'auth-test-admin-token-0123456789';
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;
let relay: RelayProcess | undefined;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({
    externalEvents: 'any',
    tokens: { 'good-token': { scopes: [WRITE_SCOPE] }, 'read-only-token': { scopes: ['crm.objects.marketing_events.read'] } },
  });
});

afterEach(async () => {
  if (relay && relay.child.exitCode === null) relay.child.kill('SIGKILL');
  await hubspot.close();
  temp.remove();
});

async function startWithToken(token: string): Promise<RelayProcess> {
  const file = writeConfig(temp.dir, {
    server: { host: '127.0.0.1', port: 0 },
    store: { url: `sqlite:${temp.dir}/relay.db` },
    hubspot: { baseUrl: hubspot.url, batchWaitMs: 20, authProbeIntervalMs: 300 },
    sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
    events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '8080' } }],
    admin: { token: ADMIN_TOKEN },
  });
  return spawnRelay(['serve', '--config', file], { env: { HUBSPOT_ACCESS_TOKEN: token } });
}

async function register(url: string, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `auth${i}@example.com`);
  for (const email of emails) {
    const body = JSON.stringify(registrationEvent('created', '77', { email }));
    const res = await request(`${url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  }
  return emails;
}

describe.each([
  {
    name: 'a revoked token (401)',
    token: 'revoked-token',
    status: 401,
    code: 'HUBSPOT_UNAUTHORIZED',
    category: 'INVALID_AUTHENTICATION',
    scopes: [] as string[],
  },
  {
    name: 'a token missing the write scope (403)',
    token: 'read-only-token',
    status: 403,
    code: 'HUBSPOT_FORBIDDEN',
    category: 'MISSING_SCOPES',
    scopes: [WRITE_SCOPE],
  },
])('auth failure: $name', ({ token, status, code, category, scopes }) => {
  it('when HubSpot refuses the token, then delivery pauses with a clear log line, a /readyz code and /status detail, and after a restart with a good token everything queued is delivered', async () => {
    relay = await startWithToken(token);
    const emails = await register(relay.url, 25);

    const readiness = await waitFor(async () => {
      const res = await request(`${relay!.url}/readyz`);
      const body = (await res.body.json()) as { delivery: { pauses: string[] } };
      return body.delivery.pauses.length > 0 ? { code: res.statusCode, pauses: body.delivery.pauses } : undefined;
    }, 'the auth pause in /readyz');
    expect(readiness).toEqual({ code: 200, pauses: [code] }); // webhooks are still taken and stored
    const detail = await request(`${relay.url}/status`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { pauses } = (await detail.body.json()) as { pauses: Array<Record<string, unknown>> };
    expect(pauses).toEqual([
      expect.objectContaining({ cause: 'auth', reason: expect.stringContaining(`${status} ${category}`), missingScopes: scopes }),
    ]);
    // The log arrives through a pipe, not in step with the HTTP answer: wait for it.
    const line = await waitFor(
      () => relay!.logs.find((l) => String(l.msg).startsWith('HubSpot refused the access token')),
      'the refusal log line',
    );
    expect(line).toMatchObject({ level: 50, httpStatus: status, category, missingScopes: scopes });

    // Probes continue but nothing is lost and no attempt is spent.
    await waitFor(() => hubspot.requests().length >= 2, 'a second probe');
    expect(hubspot.attendance()).toHaveLength(0);
    // Between probes every record is back to pending (a probe may be in flight at any moment).
    await waitFor(() => countByStatus(`${temp.dir}/relay.db`).pending === 25, 'all 25 records pending between probes');
    expect(queryDb<{ n: number }>(`${temp.dir}/relay.db`, 'SELECT MAX(attempts) AS n FROM records')[0]?.n).toBe(0);

    relay.child.kill('SIGTERM');
    expect((await relay.exited).code).toBe(0);
    relay = await startWithToken('good-token');
    await waitFor(() => {
      const seen = new Set(hubspot.attendance().map((r) => r.email));
      return emails.every((e) => seen.has(e));
    }, 'everything queued delivered after the token is fixed');
    await waitFor(() => countByStatus(`${temp.dir}/relay.db`).delivered === 25, 'all 25 records marked delivered');
  });
});

describe('auth failure fixed by a configuration reload', () => {
  it('when the token in the file is fixed and SIGHUP arrives, then delivery resumes without a restart and everything queued is delivered', async () => {
    const config = (token: string) => ({
      server: { host: '127.0.0.1', port: 0 },
      store: { url: `sqlite:${temp.dir}/relay.db` },
      hubspot: { baseUrl: hubspot.url, accessToken: token, batchWaitMs: 20, authProbeIntervalMs: 60_000 },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '8080' } }],
    });
    const file = writeConfig(temp.dir, config('revoked-token'));
    relay = await spawnRelay(['serve', '--config', file]);
    const emails = await register(relay.url, 10);
    await waitFor(() => relay!.logs.find((l) => String(l.msg).startsWith('HubSpot refused the access token')), 'the refusal');

    writeConfig(temp.dir, config('good-token'));
    relay.child.kill('SIGHUP');
    const reloaded = await waitFor(() => relay!.logs.find((l) => l.msg === 'configuration reloaded'), 'the reload');
    expect(reloaded).toMatchObject({ applied: ['hubspot.accessToken'] });
    await waitFor(() => {
      const seen = new Set(hubspot.attendance().map((r) => r.email));
      return emails.every((e) => seen.has(e));
    }, 'everything delivered with the fixed token (no restart; the next probe was a minute away)');
    expect(relay.child.exitCode).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, WRITE_SCOPE, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { freePort } from '../support/ports.js';
import { freshSchema, postgresUrl, type TestSchema } from '../support/postgres.js';
import { killRelay, spawnRelay, spawnTestRelay, writeConfig, type RelayProcess } from '../support/process.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

// Issue 12, item 8: the open /readyz and /healthz echoed internal error text (the database's host
// and user, worker crash messages, HubSpot's refusal). They now answer status and stable codes;
// the text is on /status, behind the admin token. /metrics can be kept off the public port.
const SECRET = 'probes-zoom-secret-0123';
const ADMIN = 'probes-admin-token-0123456789';
const HUBSPOT_TOKEN = 'probes-hubspot-token-0123';
const base = postgresUrl();
let hubspot: HubspotSimulator;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any', tokens: { [HUBSPOT_TOKEN]: { scopes: [WRITE_SCOPE] } } });
});

afterAll(async () => {
  await hubspot.close();
  temp.remove();
});

const json = async (url: string, headers: Record<string, string> = {}) => {
  const res = await request(url, { headers });
  return { status: res.statusCode, text: await res.body.text() };
};

describe.skipIf(!base)('the open probes say what is wrong in codes; /status says it in words', () => {
  let relay: RelayProcess;
  let schema: TestSchema;
  let proxy: TcpProxy;

  beforeAll(async () => {
    schema = await freshSchema(base as string);
    const real = new URL(schema.url);
    proxy = new TcpProxy(await freePort(), { host: real.hostname, port: Number(real.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(schema.url);
    viaProxy.port = String(proxy.port);
    const file = writeConfig(temp.dir, {
      server: { host: '127.0.0.1', port: 0 },
      store: { url: viaProxy.toString() },
      hubspot: { baseUrl: hubspot.url, accessToken: HUBSPOT_TOKEN, batchWaitMs: 10, authProbeIntervalMs: 200 },
      logging: { level: 'info' },
      admin: { token: ADMIN },
      sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }],
      events: [{ source: 'zoom', sourceEventId: '*', hubspot: { objectId: '9' } }],
    });
    relay = await spawnRelay(['serve', '--config', file]);
  });

  afterAll(async () => {
    killRelay(relay);
    await proxy?.stop();
    await schema?.drop();
  });

  it('when HubSpot refuses the token and then the database goes away, then /readyz names both with codes only, and /status has the detail', async () => {
    const refusal = 'This oauth-token (probes-refused) is expired! expiresAt: 1700000000000';
    hubspot.inject({
      kind: 'status',
      status: 401,
      body: { status: 'error', message: refusal, category: 'EXPIRED_AUTHENTICATION', correlationId: 'c-1' },
      count: 1000,
    });
    const body = JSON.stringify(registrationEvent('created', '9', { email: 'probe@example.com' }));
    await (await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(SECRET, body), body })).body.dump();
    const paused = await waitFor(async () => {
      const answer = await json(`${relay.url}/readyz`);
      return (JSON.parse(answer.text) as { delivery: { paused: boolean } }).delivery.paused ? answer : undefined;
    }, 'the auth pause on /readyz');
    expect(paused.status).toBe(200);
    expect(paused.text).not.toContain('probes-refused');
    expect(JSON.parse(paused.text)).toEqual({
      status: 'ready',
      checks: { store: 'ok' },
      delivery: { paused: true, pauses: ['HUBSPOT_UNAUTHORIZED'] },
    });

    await proxy.stop();
    const down = await waitFor(async () => {
      const answer = await json(`${relay.url}/readyz`);
      return answer.status === 503 ? answer : undefined;
    }, '/readyz 503 with the database away');
    expect(JSON.parse(down.text)).toEqual({
      status: 'unavailable',
      checks: { store: 'STORE_UNREACHABLE' },
      delivery: { paused: true, pauses: ['HUBSPOT_UNAUTHORIZED'] },
    });
    const { hostname, port, username } = new URL(schema.url);
    for (const leak of [hostname, String(proxy.port), port, username, 'ECONNREFUSED', 'expired', 'probes-refused'])
      expect(down.text).not.toContain(leak);
    expect((await json(`${relay.url}/healthz`)).text).toBe('{"status":"ok"}');

    const status = await json(`${relay.url}/status`, { authorization: `Bearer ${ADMIN}` });
    expect(status.status).toBe(200);
    const detail = JSON.parse(status.text) as { checks: { store: string }; pauses: Array<{ reason: string }> };
    expect(detail.checks.store).not.toMatch(/^(ok|STORE_UNREACHABLE)$/); // the driver's own words
    expect(detail.pauses[0]?.reason).toContain(refusal);
    expect((await json(`${relay.url}/status`)).status).toBe(401);
    await proxy.start();
  });
});

describe('/metrics off the public port', () => {
  it('when server.metricsPort is set, then /metrics answers there and the public port has no /metrics', async () => {
    const metricsPort = await freePort();
    const relay = await spawnTestRelay(
      temp.dir,
      hubspot.url,
      { server: { metricsPort }, sources: [{ id: 'zoom', type: 'zoom', secretToken: SECRET }] },
      { name: 'metrics.yaml' },
    );
    try {
      expect((await json(`${relay.url}/metrics`)).status).toBe(404);
      const scraped = await json(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('relay_webhooks_total');
    } finally {
      relay.child.kill('SIGTERM');
      await relay.exited;
    }
  });
});

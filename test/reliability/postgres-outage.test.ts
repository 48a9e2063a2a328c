import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { freePort } from '../support/ports.js';
import { freshSchema, postgresUrl, type TestSchema } from '../support/postgres.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const base = postgresUrl();
let hubspot: HubspotSimulator;
let relay: TestRelay;
let schema: TestSchema;
let proxy: TcpProxy;
let temp: ReturnType<typeof tempDir>;
let counter = 0;

beforeAll(async () => {
  if (!base) return;
  temp = tempDir();
  schema = await freshSchema(base);
  const real = new URL(schema.url);
  proxy = new TcpProxy(await freePort(), { host: real.hostname, port: Number(real.port || 5432) });
  await proxy.start();
  const viaProxy = new URL(schema.url);
  viaProxy.port = String(proxy.port);
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    config: { store: { url: viaProxy.toString() }, logging: { level: 'error' } },
  });
});

afterAll(async () => {
  if (!base) return;
  await proxy.start().catch(() => undefined);
  await relay.close();
  await proxy.stop();
  await hubspot.close();
  await schema.drop();
  temp.remove();
});

async function post(): Promise<{ status: number; code?: string; email: string }> {
  const email = `outage${counter++}@example.com`;
  const body = JSON.stringify(registrationEvent('created', '404', { email }));
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
  return { status: res.statusCode, code: ((await res.body.json()) as { code?: string }).code, email };
}

const readiness = async () => (await request(`${relay.url}/readyz`)).statusCode;

describe.skipIf(!base)('PostgreSQL goes away and comes back', () => {
  it('when the database is unreachable, then webhooks get 503 and /readyz 503; when it returns, everything resumes without a restart', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < 5; i++) accepted.push((await post()).email);
    await waitFor(() => hubspot.attendance().length === 5, 'the first five delivered');

    await proxy.stop();
    const during = await Promise.all(Array.from({ length: 10 }, () => post()));
    expect(during.every((r) => r.status === 503 && r.code === 'STORE_UNAVAILABLE')).toBe(true);
    expect(await readiness()).toBe(503);
    // The processor and dispatcher meet the outage too: each logs its failed round.
    const failed = (what: string) => relay.logs.some((l) => l.msg === `${what} failed; retrying in 1 s`);
    await waitFor(() => failed('webhook processing') && failed('claiming a batch'), 'the processor and the dispatcher to fail a round');

    await proxy.start();
    await waitFor(async () => (await readiness()) === 200, '/readyz back to 200', 15_000);
    for (let i = 0; i < 5; i++) {
      const res = await post();
      expect(res.status).toBe(200);
      accepted.push(res.email);
    }
    await waitFor(
      () => {
        const seen = new Set(hubspot.attendance().map((r) => r.email));
        return accepted.every((e) => seen.has(e));
      },
      'webhooks accepted after the outage delivered',
      15_000,
    );
    expect(hubspot.attendance().some((r) => during.some((d) => d.email === r.email))).toBe(false);
  }, 45_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
  relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url });
});

afterAll(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

async function metrics(): Promise<string> {
  const res = await request(`${relay.url}/metrics`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body.text();
}

/** The value of one sample, e.g. value(text, 'relay_webhooks_total{source="zoom",outcome="accepted",reason=""}'). */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

async function post(body: string, headers = zoomHeaders(ZOOM_SECRET, body)) {
  const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers, body });
  await res.body.dump();
}

describe('GET /metrics', () => {
  it('when webhooks arrive and are delivered, then the counters, gauges and histograms move', async () => {
    const before = await metrics();
    const body = JSON.stringify(registrationEvent('created', '5', { email: 'metrics@example.com' }));
    await post(body);
    await post(body); // a duplicate
    await post(body, { 'content-type': 'application/json' }); // unsigned
    hubspot.inject({ kind: 'status', status: 503, count: 1 });
    await waitFor(() => hubspot.attendance().length === 1, 'the registration delivered');

    const after = await waitFor(
      async () => {
        const text = await metrics();
        return value(text, 'relay_records{status="delivered"}') === 1 ? text : undefined;
      },
      'the delivered gauge',
      10_000,
      500,
    );
    const delta = (sample: string) => value(after, sample) - value(before, sample);
    expect(delta('relay_webhooks_total{source="zoom",outcome="accepted",reason=""}')).toBe(1);
    expect(delta('relay_webhooks_total{source="zoom",outcome="duplicate",reason=""}')).toBe(1);
    expect(delta('relay_webhooks_total{source="zoom",outcome="rejected",reason="SIGNATURE_MISSING"}')).toBe(1);
    expect(delta('relay_hubspot_requests_total{http_status="503",batch_status="",outcome="transient"}')).toBe(1);
    expect(delta('relay_hubspot_requests_total{http_status="200",batch_status="COMPLETE",outcome="ok"}')).toBe(1);
    expect(delta('relay_hubspot_retries_total')).toBe(1);
    expect(delta('relay_hubspot_inputs_per_request_count')).toBe(2);
    expect(delta('relay_webhook_to_hubspot_seconds_count')).toBe(1);
    expect(value(after, 'relay_hubspot_quota_remaining{window="ten_secondly"}')).toBeGreaterThan(0);
    expect(value(after, 'relay_records{status="pending"}')).toBe(0);
    expect(after).toMatch(/relay_store_operation_seconds_count\{operation="insertWebhooks"\} \d+/);
    expect(after).toMatch(/nodejs_eventloop_lag_seconds \d/);
  });
});

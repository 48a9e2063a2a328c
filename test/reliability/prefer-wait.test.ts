import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { CRM_TOKEN, input, KIOSK_TOKEN, storedBatches } from '../hubspot-compat/hubspot-sdk.js';
import { startRelay, type TestRelay } from '../support/relay.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

// Issue 12, item 11: `Prefer: wait` had no cap on waiters, and each re-read the store every 100 ms.
let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  temp = tempDir();
  hubspot = await startHubspotSimulator({ externalEvents: 'any' });
});

afterEach(async () => {
  await relay?.close();
  await hubspot.close();
  temp.remove();
});

interface Answer {
  status: number;
  applied: string | undefined;
  batch: string;
}

async function post(token: string, email: string, prefer = 'wait=10'): Promise<Answer> {
  const res = await request(`${relay.url}/marketing/v3/marketing-events/5123456/attendance/register/email-create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer },
    body: JSON.stringify({ inputs: [input(email)] }),
  });
  const body = (await res.body.json()) as { status: string };
  return { status: res.statusCode, applied: res.headers['preference-applied'] as string | undefined, batch: body.status };
}

/** How often the intake has read a batch from the store (the relay's own store-operation metric). */
async function batchReads(): Promise<number> {
  const text = await (await request(`${relay.url}/metrics`)).body.text();
  return Number(/relay_store_operation_seconds_count\{operation="webhookStatus"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe('Prefer: wait is woken by settlement, not by polling', () => {
  it('when a request waits 2.5 s for HubSpot, then the relay reads its batch a handful of times, not every 100 ms', async () => {
    relay = await startRelay({ dir: temp.dir, hubspotUrl: hubspot.url, config: { intake: { tokens: [KIOSK_TOKEN] } } });
    hubspot.inject({ kind: 'latency', ms: 2500, count: 1 });
    const before = await batchReads();
    const answer = await post(KIOSK_TOKEN, 'patient@example.com');
    expect(answer).toEqual({ status: 200, applied: 'wait=10', batch: 'COMPLETE' });
    // Woken when its batch is read (processed) and when its record is delivered; polling would be ~25 reads.
    expect((await batchReads()) - before).toBeLessThanOrEqual(5);
  });
});

describe('Prefer: wait is capped per token and in all', () => {
  it('when more requests wait than the caps allow, then the others are answered at once without Preference-Applied', async () => {
    relay = await startRelay({
      dir: temp.dir,
      hubspotUrl: hubspot.url,
      config: { intake: { tokens: [KIOSK_TOKEN, CRM_TOKEN], maxWaiters: 3, maxWaitersPerToken: 2 } },
    });
    hubspot.inject({ kind: 'latency', ms: 2000, count: 10 });
    const settled: string[] = [];
    const track = (name: string, answer: Promise<Answer>) => answer.then((a) => (settled.push(name), a));
    // Two for the kiosk token: both wait (its cap).
    const kiosk = [track('kiosk-1', post(KIOSK_TOKEN, 'k1@example.com')), track('kiosk-2', post(KIOSK_TOKEN, 'k2@example.com'))];
    await waitFor(() => storedBatches(relay.dbFile) === 2, 'the two waiting batches stored');
    // A third from the kiosk token: past its cap, answered at once while the two still wait.
    const third = await post(KIOSK_TOKEN, 'k3@example.com');
    expect(third.applied).toBeUndefined();
    expect(['PENDING', 'PROCESSING']).toContain(third.batch);
    expect(settled).toEqual([]);
    // The other token: one more waits (3 in all), the next is past the overall cap.
    const crm = track('crm-1', post(CRM_TOKEN, 'c1@example.com'));
    await waitFor(() => storedBatches(relay.dbFile) === 4, 'the third waiting batch stored');
    const overall = await post(CRM_TOKEN, 'c2@example.com');
    expect(overall.applied).toBeUndefined();
    expect(settled).toEqual([]);
    const waited = await Promise.all([...kiosk, crm]);
    expect(waited.map((a) => a.applied)).toEqual(['wait=10', 'wait=10', 'wait=10']);
  });
});

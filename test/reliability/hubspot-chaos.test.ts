import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHubspotSimulator, type HubspotSimulator } from '../../dev/hubspot-simulator/index.js';
import { countByStatus } from '../support/db.js';
import { startRelay, ZOOM_SECRET, type TestRelay } from '../support/relay.js';
import { seededRandom } from '../support/seed.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { registrationEvent, zoomHeaders } from '../support/zoom.js';

const CHAOS_MS = 30_000;
const LIMIT = { max: 100, intervalMs: 10_000 };

let hubspot: HubspotSimulator;
let relay: TestRelay;
let temp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  temp = tempDir();
  // Which requests the faults hit: printed, and repeatable with TEST_SEED.
  hubspot = await startHubspotSimulator({ externalEvents: 'any', rateLimit: LIMIT, random: seededRandom('hubspot-chaos') });
  relay = await startRelay({
    dir: temp.dir,
    hubspotUrl: hubspot.url,
    hubspot: { batchSize: 10, batchWaitMs: 100, requestsPerTenSeconds: LIMIT.max, requestTimeoutMs: 3000 },
    config: { logging: { level: 'warn' } },
  });
});

afterEach(async () => {
  await relay.close();
  await hubspot.close();
  temp.remove();
});

describe('HubSpot misbehaving for 30 s', () => {
  it('when HubSpot answers 5xx, 429 bursts, stalls and resets, then afterwards everything is delivered, nothing is dead-lettered and the limit held', async () => {
    for (const status of [500, 502, 503]) hubspot.inject({ kind: 'status', status, probability: 0.1 });
    hubspot.inject({ kind: 'latency', ms: 5000, probability: 0.05 }); // longer than the relay's 3 s timeout
    hubspot.inject({ kind: 'reset-mid-response', probability: 0.05 });

    const emails: string[] = [];
    const started = Date.now();
    let burst = 0;
    while (Date.now() - started < CHAOS_MS) {
      if (Date.now() - started > burst * 10_000) {
        // 429 bursts, alternately with and without Retry-After.
        hubspot.inject({
          kind: 'rate-limit',
          policy: 'TEN_SECONDLY_ROLLING',
          count: 2,
          ...(burst % 2 === 0 ? { retryAfterSeconds: 1 } : {}),
        });
        burst++;
      }
      const batch = Array.from({ length: 10 }, (_, i) => `chaos${emails.length + i}@example.com`);
      const results = await Promise.all(
        batch.map(async (email) => {
          const body = JSON.stringify(registrationEvent('created', '31337', { email }));
          const res = await request(`${relay.url}/webhooks/zoom`, { method: 'POST', headers: zoomHeaders(ZOOM_SECRET, body), body });
          await res.body.dump();
          return res.statusCode;
        }),
      );
      expect(results.every((s) => s === 200)).toBe(true);
      emails.push(...batch);
      await new Promise((r) => setTimeout(r, 250));
    }
    hubspot.clearFaults();
    const injected = hubspot.requests().filter((r) => r.fault).length;
    const faults = new Set(hubspot.requests().flatMap((r) => (r.fault ? [`${r.status}`] : [])));

    // HubSpot can hold every email while some records still wait for a retry: a reset or a stall
    // after HubSpot applied the batch looks like a failure to the relay, which sends it again.
    await waitFor(
      () => {
        const seen = new Set(hubspot.attendance().map((r) => r.email));
        const open = countByStatus(relay.dbFile);
        return emails.every((e) => seen.has(e)) && !open.pending && !open.inflight;
      },
      'every webhook delivered and no record left pending after the chaos',
      45_000,
    ); // a record that failed two rounds waits up to 20 s for its next
    const statuses = countByStatus(relay.dbFile);
    const realRateLimited = hubspot.requests().filter((r) => r.status === 429 && !r.fault).length;
    console.log(
      `chaos figures: ${emails.length} webhooks, ${hubspot.requests().length} HubSpot requests (${injected} with injected faults), records ${JSON.stringify(statuses)}, 429s from the real window ${realRateLimited}, peak ${hubspot.stats().peakInWindow}/${LIMIT.max}`,
    );
    expect(injected).toBeGreaterThan(10);
    expect(faults).toContain('429');
    expect([...faults].some((s) => s.startsWith('5'))).toBe(true);
    expect(statuses.dead ?? 0).toBe(0);
    expect(statuses.pending ?? 0).toBe(0);
    expect(hubspot.stats().peakInWindow).toBeLessThanOrEqual(LIMIT.max);
    expect(realRateLimited).toBe(0);
  }, 90_000);
});

import { describe, expect, it } from 'vitest';
import { ActivityRings, metricsTotals, type ActivityTotals } from '../../src/ops/activity.js';
import { RelayMetrics } from '../../src/ops/metrics.js';

const MINUTE = 60_000;
/** A fixed start on a minute boundary: the slots below are computed from it, not read off a clock. */
const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);

function rings() {
  let now = T0;
  const totals: ActivityTotals = { webhooks: 0, delivered: 0, hubspotRequests: 0 };
  const activity = new ActivityRings(
    async () => ({ ...totals }),
    () => now,
  );
  return { activity, totals, at: (ms: number) => (now = ms) };
}

describe('ActivityRings', () => {
  it('when counters grow, then each increase is filed under the minute and the 10 s slot it was seen in', async () => {
    const { activity, totals, at } = rings();
    totals.webhooks = 5;
    totals.delivered = 3;
    totals.hubspotRequests = 2;
    await activity.sample();
    at(T0 + MINUTE + 15_000);
    totals.webhooks = 12;
    totals.hubspotRequests = 3;
    const read = await activity.read();
    expect(read.perMinute).toHaveLength(60);
    expect(read.perMinute.at(-1)).toEqual({ start: T0 + MINUTE, webhooks: 7, delivered: 0 });
    expect(read.perMinute.at(-2)).toEqual({ start: T0, webhooks: 5, delivered: 3 });
    expect(read.perTenSeconds).toHaveLength(360);
    expect(read.perTenSeconds.at(-1)).toEqual({ start: T0 + MINUTE + 10_000, requests: 1 });
    expect(read.perTenSeconds.at(-8)).toEqual({ start: T0, requests: 2 });
  });

  it('when an hour has passed, then older slots are gone', async () => {
    const { activity, totals, at } = rings();
    totals.webhooks = 4;
    await activity.sample();
    at(T0 + 61 * MINUTE);
    const read = await activity.read();
    expect(read.perMinute.reduce((n, m) => n + m.webhooks, 0)).toBe(0);
  });

  it('when read from the metrics, then refused webhooks are not counted as received', async () => {
    const metrics = new RelayMetrics(
      { countByStatus: async () => ({}) as never, countWaitingWebhooks: async () => ({}), queueStats: async () => ({}) as never },
      [],
    );
    metrics.webhooks.inc({ source: 'zoom', outcome: 'accepted', reason: '' }, 3);
    metrics.webhooks.inc({ source: 'zoom', outcome: 'rejected', reason: 'SIGNATURE_INVALID' }, 2);
    metrics.webhookToHubspot.observe(1.5);
    metrics.hubspotRequests.inc({ http_status: '200', batch_status: '', outcome: 'ok' });
    expect(await metricsTotals(metrics)()).toEqual({ webhooks: 3, delivered: 1, hubspotRequests: 1 });
  });
});

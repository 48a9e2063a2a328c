import type { RelayMetrics } from './metrics.js';

const MINUTE = 60_000;
const TEN_SECONDS = 10_000;
const HOUR = 60 * MINUTE;

/** Webhooks that reached a source and were answered as such (not refused, not a URL challenge). */
const RECEIVED_OUTCOMES = new Set(['accepted', 'parked', 'duplicate', 'ignored']);

export interface ActivityTotals {
  webhooks: number;
  delivered: number;
  hubspotRequests: number;
}

/** Counts per time slot, for the last hour; slots with nothing in them are simply absent. */
class Ring {
  private readonly slots = new Map<number, number>();
  constructor(private readonly slotMs: number) {}

  add(at: number, n: number): void {
    if (n <= 0) return;
    const slot = Math.floor(at / this.slotMs);
    this.slots.set(slot, (this.slots.get(slot) ?? 0) + n);
    for (const key of this.slots.keys()) if (key <= slot - HOUR / this.slotMs) this.slots.delete(key);
  }

  /** One entry per slot of the last hour, oldest first, the current (unfinished) slot last. */
  series(now: number): Array<{ start: number; count: number }> {
    const last = Math.floor(now / this.slotMs);
    const count = HOUR / this.slotMs;
    return Array.from({ length: count }, (_, i) => {
      const slot = last - count + 1 + i;
      return { start: slot * this.slotMs, count: this.slots.get(slot) ?? 0 };
    });
  }
}

/**
 * The console's charts: per-minute and per-10-second activity of the last hour, kept in memory
 * (lost on restart, which is fine for a chart). Rather than a hook in every stage, it samples the
 * /metrics counters those stages already keep, and files each increase under the slot it was seen
 * in: sampling every few seconds, and on every read, keeps that within one sample of the truth.
 */
export class ActivityRings {
  private readonly webhooks = new Ring(MINUTE);
  private readonly delivered = new Ring(MINUTE);
  private readonly requests = new Ring(TEN_SECONDS);
  /** The counters start at zero with the relay, and so does the first slot's count. */
  private last: ActivityTotals = { webhooks: 0, delivered: 0, hubspotRequests: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly totals: () => Promise<ActivityTotals>,
    private readonly now: () => number = Date.now,
  ) {}

  start(everyMs = 2_000): void {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    const totals = await this.totals();
    const at = this.now();
    this.webhooks.add(at, totals.webhooks - this.last.webhooks);
    this.delivered.add(at, totals.delivered - this.last.delivered);
    this.requests.add(at, totals.hubspotRequests - this.last.hubspotRequests);
    this.last = totals;
  }

  async read() {
    await this.sample();
    const now = this.now();
    const delivered = this.delivered.series(now);
    return {
      now,
      perMinute: this.webhooks.series(now).map((slot, i) => ({
        start: slot.start,
        webhooks: slot.count,
        delivered: delivered[i]?.count ?? 0,
      })),
      perTenSeconds: this.requests.series(now).map((slot) => ({ start: slot.start, requests: slot.count })),
    };
  }
}

/** The totals ActivityRings samples, read from the relay's /metrics counters. */
export function metricsTotals(metrics: Pick<RelayMetrics, 'webhooks' | 'webhookToHubspot' | 'hubspotRequests'>) {
  return async (): Promise<ActivityTotals> => {
    const [webhooks, delivered, requests] = await Promise.all([
      metrics.webhooks.get(),
      metrics.webhookToHubspot.get(),
      metrics.hubspotRequests.get(),
    ]);
    const sum = (values: Array<{ value: number }>) => values.reduce((total, v) => total + v.value, 0);
    return {
      webhooks: sum(webhooks.values.filter((v) => RECEIVED_OUTCOMES.has(String(v.labels.outcome)))),
      delivered: sum(delivered.values.filter((v) => v.metricName?.endsWith('_count'))),
      hubspotRequests: sum(requests.values),
    };
  };
}

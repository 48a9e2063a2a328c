import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AdminQueries, Maintenance } from '../store/ports.js';

/** Everything /metrics reports, on a registry of its own (one per relay instance). */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: 'relay_webhooks_total',
    help: 'Webhooks received, by source and outcome (accepted, parked, duplicate, ignored, challenge, rejected) and refusal code',
    labelNames: ['source', 'outcome', 'reason'],
    registers: [this.registry],
  });
  readonly webhooksIgnored = new Counter({
    name: 'relay_webhooks_ignored_total',
    help: 'Verified webhooks answered "ignored" (no rule maps their event type), by source and event type (at most 50 per source, the rest "other")',
    labelNames: ['source', 'event_type'],
    registers: [this.registry],
  });
  readonly hubspotRequests = new Counter({
    name: 'relay_hubspot_requests_total',
    help: 'HubSpot attendance calls, by HTTP status (0 = no answer) and batch status',
    labelNames: ['http_status', 'batch_status', 'outcome'],
    registers: [this.registry],
  });
  readonly batchInputs = new Histogram({
    name: 'relay_hubspot_inputs_per_request',
    help: 'Inputs in one HubSpot attendance call',
    buckets: [1, 5, 10, 25, 50, 75, 100],
    registers: [this.registry],
  });
  readonly webhookToHubspot = new Histogram({
    name: 'relay_webhook_to_hubspot_seconds',
    help: 'From the webhook reaching the relay to HubSpot accepting its record',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600],
    registers: [this.registry],
  });
  readonly hubspotEventCalls = new Counter({
    name: 'relay_hubspot_event_calls_total',
    help: 'HubSpot marketing event calls (createEvents) by kind (upsert, complete, cancel) and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly retries = new Counter({ name: 'relay_hubspot_retries_total', help: 'HubSpot calls tried again', registers: [this.registry] });
  readonly pauses = new Counter({
    name: 'relay_hubspot_pauses_total',
    help: 'Delivery pauses, by cause (429 policy, or auth)',
    labelNames: ['cause'],
    registers: [this.registry],
  });
  readonly quotaRemaining = new Gauge({
    name: 'relay_hubspot_quota_remaining',
    help: "HubSpot's X-HubSpot-RateLimit-Remaining (window) and -Daily-Remaining, as last seen",
    labelNames: ['window'],
    registers: [this.registry],
  });
  readonly zoomReconciliations = new Counter({
    name: 'relay_zoom_reconciliations_total',
    help: "Zoom reconciliations from Zoom's reports, by source and outcome (done, retry, dead)",
    labelNames: ['source', 'outcome'],
    registers: [this.registry],
  });
  readonly zoomReconcileFacts = new Counter({
    name: 'relay_zoom_reconcile_facts_total',
    help: 'Facts (joins, leaves, registrations) Zoom reconciliations added that the webhooks had not brought, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'relay_store_operation_seconds',
    help: 'Store operations as seen from the request thread',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  /** `knownSources`: the sources this relay processes (a webhook of any other waits). */
  constructor(
    store: Pick<Maintenance, 'countByStatus'> & Pick<AdminQueries, 'countWaitingWebhooks' | 'queueStats'>,
    knownSources: string[],
  ) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    // Counting scans an index: at most once every 5 s, whatever the scrape rate.
    const every5s = <T>(read: () => Promise<T>) => {
      let cached: { at: number; value: T } | undefined;
      return async () => {
        if (!cached || Date.now() - cached.at > 5000) cached = { at: Date.now(), value: await read() };
        return cached.value;
      };
    };
    const records = every5s(() => store.countByStatus());
    new Gauge({
      name: 'relay_records',
      help: 'Attendance records by status (pending, inflight, unmapped, delivered, dead, superseded)',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        for (const [status, n] of Object.entries(await records())) this.set({ status }, n);
      },
    });
    const waiting = every5s(() => store.countWaitingWebhooks(knownSources));
    new Gauge({
      name: 'relay_webhooks_waiting',
      help: 'Unprocessed webhooks of sources this relay does not have, by source: processed once a replica (or this one after a restart) has it',
      labelNames: ['source'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [source, n] of Object.entries(await waiting())) this.set({ source }, n);
      },
    });
    const queues = every5s(() => store.queueStats());
    new Gauge({
      name: 'relay_webhooks_parked',
      help: 'Verified webhooks parked now: their source could not read them (GET /admin/webhooks?state=parked; replayed by POST /admin/webhooks/replay)',
      registers: [this.registry],
      async collect() {
        this.set((await queues()).parkedWebhooks);
      },
    });
  }

  /** Wraps a store so every call's duration is observed. */
  timed<T extends object>(store: T): T {
    const histogram = this.storeLatency;
    return new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const end = histogram.startTimer({ operation: String(property) });
          const result = value.apply(target, args);
          return result instanceof Promise ? result.finally(end) : (end(), result);
        };
      },
    });
  }
}

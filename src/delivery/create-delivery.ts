import type { RelayConfig } from '../config/schema.js';
import { HubspotClient } from '../hubspot/client.js';
import type { HubspotApiVersion } from '../hubspot/api-paths.js';
import { tokenSourceFor } from './hubspot-tokens.js';
import { RateLimiter } from './rate-limiter.js';
import type { SendGate } from './send-gate.js';
import { SharedSendGate } from './shared-send-gate.js';
import type { DeliveryMetrics } from './delivery-metrics.js';
import type { DeliveryQueue, ManagedEventsStore } from '../store/ports.js';
import type { Log } from '../support/log.js';
import { Dispatcher } from './dispatcher.js';

const TEN_SECONDS = 10_000;

/** The delivery side: the send gate (local or shared), the HubSpot client and the dispatcher. */
export function createDelivery({
  config,
  store,
  metrics,
  log,
  onSettled,
}: {
  config: RelayConfig;
  store: DeliveryQueue & Pick<ManagedEventsStore, 'managedTargetState'>;
  metrics: DeliveryMetrics;
  log: Log;
  /** Records delivered or dead-lettered (by id). */
  onSettled?: (recordIds: number[]) => void;
}) {
  // Replicas sharing a store share HubSpot's per-app window through it.
  const limiter: SendGate = store.shared
    ? new SharedSendGate({
        shared: store.shared,
        maxPerWindow: config.hubspot.requestsPerTenSeconds,
        windowMs: TEN_SECONDS,
        marginMs: 100,
        log,
      })
    : new RateLimiter({ maxPerWindow: config.hubspot.requestsPerTenSeconds, windowMs: TEN_SECONDS, marginMs: 100 });
  const client = new HubspotClient({
    baseUrl: config.hubspot.baseUrl,
    tokens: tokenSourceFor(config.hubspot),
    apiVersion: (config.hubspot.apiVersion ?? 'v3') as HubspotApiVersion,
    requestTimeoutMs: config.hubspot.requestTimeoutMs,
    connections: config.hubspot.maxConcurrentRequests * 2,
  });
  const dispatcher = new Dispatcher({
    store,
    hubspot: config.hubspot,
    log: log.child({ component: 'delivery' }),
    leaseMs: config.hubspot.batchLeaseMs,
    sender: {
      client,
      limiter,
      log: log.child({ component: 'hubspot' }),
      maskEmails: config.logging.maskEmails,
      windowMs: TEN_SECONDS,
      observer: {
        call: (c) => {
          metrics.hubspotRequests.inc({ http_status: String(c.httpStatus ?? 0), batch_status: c.batchStatus ?? '', outcome: c.outcome });
          metrics.batchInputs.observe(c.inputs);
          if (c.attempt > 1) metrics.retries.inc();
        },
        pause: (cause) => metrics.pauses.inc({ cause }),
        quota: (headers) => {
          if (headers.remaining !== undefined) metrics.quotaRemaining.set({ window: 'ten_secondly' }, headers.remaining);
          if (headers.dailyRemaining !== undefined) metrics.quotaRemaining.set({ window: 'daily' }, headers.dailyRemaining);
        },
      },
    },
    onBatch: ({ delivered, settled }) => {
      const now = Date.now();
      for (const record of delivered) metrics.webhookToHubspot.observe((now - record.receivedAt) / 1000);
      onSettled?.(settled);
    },
    onAuthPause: () => metrics.pauses.inc({ cause: 'auth' }),
    // createEvents: attendance waits until HubSpot confirmed the event (event-keeper.ts).
    heldTarget: async (targetKey) => {
      const state = await store.managedTargetState(targetKey);
      return state === 'pending' || state === 'dead';
    },
  });
  return { limiter, client, dispatcher };
}

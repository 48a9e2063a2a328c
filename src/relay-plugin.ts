import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { EventMappings } from './attendance/targets.js';
import type { RelayConfig } from './config/schema.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { HubspotClient } from './hubspot/client.js';
import { RateLimiter } from './hubspot/rate-limiter.js';
import type { SendGate } from './hubspot/send-gate.js';
import { SharedSendGate } from './hubspot/shared-send-gate.js';
import { InboxWriter } from './intake/inbox-writer.js';
import { LoadShedder } from './intake/load-shedding.js';
import { webhookRoutes } from './intake/webhook-routes.js';
import { healthRoutes, type Phase } from './ops/health-routes.js';
import { createSources } from './sources/registry.js';
import { startStoreWorker } from './store/worker/client.js';

const TEN_SECONDS = 10_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns /readyz to 503 while the server still accepts (lets a load balancer stop sending first). */
    beginDrain(): void;
  }
}

/**
 * Wires the pipeline (webhook → inbox → records → batches → HubSpot) and owns
 * its lifecycle: recover on start, drain on close.
 */
export interface RelayPluginOptions {
  config: RelayConfig;
  /** Writes one log line where the main logger writes (used for the store worker's lines). */
  logLine: (line: string) => void;
}

const relay: FastifyPluginAsync<RelayPluginOptions> = async (app, { config, logLine }) => {
  const log = app.log;
  let phase: Phase = 'starting';
  let storeFailure: Error | undefined;

  // The store and webhook processing run in a worker thread: fsyncs and processing never hold
  // up the thread that answers webhooks. Records it creates wake the dispatcher here.
  const wakeDispatcher: { to?: Dispatcher } = {};
  const worker = await startStoreWorker({
    config,
    log,
    logLine,
    onRecords: (groups) => wakeDispatcher.to?.wake(groups),
    onCrash: (error) => {
      storeFailure = error;
      log.fatal({ err: error }, 'the store worker stopped: nothing more can be stored; /healthz now fails so the process is restarted');
    },
  });
  const store = worker.store;
  const sources = createSources(config.sources);
  const mappings = new EventMappings(config.events);

  // Replicas sharing a store share HubSpot's per-app window through it.
  const limiter: SendGate = store.shared
    ? new SharedSendGate({ shared: store.shared, maxPerWindow: config.hubspot.requestsPerTenSeconds, windowMs: TEN_SECONDS, marginMs: 100, log })
    : new RateLimiter({ maxPerWindow: config.hubspot.requestsPerTenSeconds, windowMs: TEN_SECONDS, marginMs: 100 });
  const client = new HubspotClient({
    baseUrl: config.hubspot.baseUrl,
    accessToken: config.hubspot.accessToken ?? '',
    requestTimeoutMs: config.hubspot.requestTimeoutMs,
    connections: config.hubspot.maxConcurrentRequests * 2,
  });
  const dispatcher = new Dispatcher({
    store,
    hubspot: config.hubspot,
    log: log.child({ component: 'delivery' }),
    leaseMs: config.hubspot.batchLeaseMs,
    sender: { client, limiter, log: log.child({ component: 'hubspot' }), maskEmails: config.logging.maskEmails, windowMs: TEN_SECONDS },
  });
  wakeDispatcher.to = dispatcher;
  const inbox = new InboxWriter(store);
  const shedder = new LoadShedder({
    maxQueuedWebhooks: config.server.maxQueuedWebhooks,
    maxEventLoopDelayMs: config.server.maxEventLoopDelayMs,
    queueDepth: () => inbox.queueDepth,
  });
  let closing = false;

  await app.register(healthRoutes, {
    phase: () => phase,
    store,
    writeFailure: () => inbox.lastFailure,
    storeFailure: () => storeFailure,
    dispatcher,
    limiter,
  });
  await app.register(webhookRoutes, { sources, inbox, shedder, bodyLimit: config.server.bodyLimitBytes, isClosing: () => closing });

  const remapUnmapped = async () => {
    let mapped = 0;
    for (const event of await store.unmappedEvents()) {
      const target = mappings.resolve(event.sourceId, event.sourceEventId);
      if (target) mapped += await store.mapRecords(event.sourceId, event.sourceEventId, target, Date.now());
    }
    return mapped;
  };

  app.addHook('onReady', async () => {
    // Whatever was in flight when the last process died is sent again (at-least-once).
    const released = await store.releaseInflight();
    const mapped = await remapUnmapped();
    log.info({ released, mapped }, 'start-up: batches left in flight are pending again, newly mapped records queued');
    worker.startProcessing();
    dispatcher.start();
    phase = 'ready';
  });

  const retentionMs = config.store.retentionDays * 86_400_000;
  const pruneTimer = setInterval(() => {
    const now = Date.now();
    store
      .prune(now - retentionMs, now - retentionMs)
      .then((pruned) => log.info(pruned, 'pruned delivered records and processed webhooks past retention'))
      .catch((error) => log.warn({ err: error }, 'pruning failed'));
  }, 3_600_000).unref();

  app.decorate('beginDrain', () => {
    phase = 'draining';
  });
  app.addHook('preClose', async () => {
    phase = 'draining';
    closing = true;
  });
  app.addHook('onClose', async () => {
    clearInterval(pruneTimer);
    shedder.close();
    limiter.close();
    await dispatcher.stop(config.server.shutdownGraceMs);
    await client.close();
    await worker.stop();
  });

};

export const relayPlugin = fp(relay, { name: 'relay', fastify: '5.x' });

import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { remapUnmapped } from './processing/remap-unmapped.js';
import { EventMappings } from './domain/event-mappings.js';
import type { RelayConfig } from './config/schema.js';
import type { Dispatcher } from './delivery/dispatcher.js';
import { createDelivery } from './delivery/create-delivery.js';
import { InboxWriter } from './ingest/inbox-writer.js';
import { LoadShedder } from './ingest/load-shedding.js';
import { webhookRoutes } from './ingest/webhook-routes.js';
import { hubspotIntakeRoutes } from './hubspot-compat/routes.js';
import { BatchWaiters } from './hubspot-compat/waiters.js';
import { checkReadiness, healthRoutes, type HealthOptions, type Phase } from './ops/health-routes.js';
import { createSources, processedSourceIds } from './sources/registry.js';
import { ConfigError } from './config/load.js';
import { RelayError } from './http/errors.js';
import { adminRoutes, type ReloadResult } from './ops/admin-routes.js';
import { RelayMetrics } from './ops/metrics.js';
import { metricsRoutes, serveMetricsApart } from './ops/metrics-routes.js';
import { applyReload } from './ops/reload.js';
import type { RecordFilter } from './store/ports.js';
import { startStoreWorker, type SpawnedStoreWorker } from './processing/worker/client.js';


declare module 'fastify' {
  interface FastifyInstance {
    /** Turns /readyz to 503 while the server still accepts (lets a load balancer stop sending first). */
    beginDrain(): void;
    /** Re-reads the configuration file and applies what can change while running. */
    reloadConfig(): Promise<ReloadResult>;
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
  /** Reads the configuration again (SIGHUP, POST /admin/reload); absent when there is no file. */
  loadConfig?: () => RelayConfig;
  /** A store worker started earlier for this configuration (see spawnStoreWorker); else one is started here. */
  storeWorker?: SpawnedStoreWorker;
}

const relay: FastifyPluginAsync<RelayPluginOptions> = async (app, { config: initialConfig, logLine, loadConfig, storeWorker }) => {
  let config = initialConfig;
  const log = app.log;
  let phase: Phase = 'starting';
  let storeFailure: Error | undefined;

  // `Prefer: wait` requests of the HubSpot-compatible intake, woken as their batches progress.
  // With PostgreSQL another replica may deliver their records, which no signal here reports: they
  // also re-read once a second.
  const waiters = new BatchWaiters({
    maxWaiters: config.intake.maxWaiters,
    maxPerCaller: config.intake.maxWaitersPerToken,
    fallbackPollMs: config.store.url.startsWith('sqlite:') ? undefined : 1000,
  });

  // The store and webhook processing run in a worker thread: fsyncs and processing never hold
  // up the thread that answers webhooks. Records it creates wake the dispatcher here.
  const wakeDispatcher: { to?: Dispatcher } = {};
  const worker = await startStoreWorker({
    config,
    log,
    logLine,
    onRecords: (groups) => {
      if (groups.length > 0) wakeDispatcher.to?.wake(groups);
      waiters.processed();
    },
    onCrash: (error) => {
      storeFailure = error;
      log.fatal({ err: error }, 'the store worker stopped: nothing more can be stored; /healthz now fails so the process is restarted');
    },
  }, storeWorker);
  const knownSources = processedSourceIds(config.sources);
  const metrics = new RelayMetrics(worker.store, knownSources);
  const store = metrics.timed(worker.store);
  const sources = createSources(config.sources, { internal: false });
  let mappings = new EventMappings(config.events);

  const { limiter, client, dispatcher } = createDelivery({ config, store, metrics, log, onSettled: (ids) => waiters.settled(ids) });
  wakeDispatcher.to = dispatcher;
  const inbox = new InboxWriter(store);
  const shedder = new LoadShedder({
    maxQueuedWebhooks: config.server.maxQueuedWebhooks,
    maxEventLoopDelayMs: config.server.maxEventLoopDelayMs,
    queueDepth: () => inbox.queueDepth,
  });
  let closing = false;

  const health: HealthOptions = {
    phase: () => phase,
    store,
    writeFailure: () => inbox.lastFailure,
    storeFailure: () => storeFailure,
    dispatcher,
    limiter,
  };
  await app.register(healthRoutes, health);
  await app.register(webhookRoutes, {
    sources,
    inbox,
    shedder,
    isClosing: () => closing,
    observe: (source, outcome, reason) => metrics.webhooks.inc({ source, outcome, reason }),
  });
  // HubSpot-compatible intake (src/hubspot-compat): no routes unless intake.tokens is set.
  await app.register(hubspotIntakeRoutes, {
    tokens: config.intake.tokens,
    inbox,
    store,
    shedder,
    isClosing: () => closing,
    waiters,
    bodyLimit: config.intake.bodyLimitBytes,
  });
  // /metrics on the public port, or only on server.metricsPort when that is set.
  const metricsPort = config.server.metricsPort;
  if (metricsPort === undefined) await app.register(metricsRoutes, { metrics });
  else serveMetricsApart(app, { metrics, port: metricsPort, host: config.server.host });

  const remap = async (filter: RecordFilter = {}) => {
    const result = await remapUnmapped(store, mappings, filter, Date.now());
    if (result.mapped > 0) dispatcher.wake();
    return result;
  };

  const reload = async () => {
    if (!loadConfig) throw new RelayError('RELOAD_UNAVAILABLE');
    let next: RelayConfig;
    try {
      next = loadConfig();
    } catch (error) {
      throw new RelayError('CONFIG_INVALID', error instanceof ConfigError ? error.message : String(error));
    }
    const { result, config: applied } = await applyReload(config, next, {
      events: async (events) => {
        mappings = new EventMappings(events);
        worker.setMappings(events);
        return (await remap()).mapped;
      },
      accessToken: (token) => {
        client.setAccessToken(token);
        // Probe with the new token now rather than at the next scheduled probe.
        dispatcher.auth.clear();
        dispatcher.wake();
      },
    });
    config = applied;
    log.info(result, 'configuration reloaded');
    return result;
  };
  app.decorate('reloadConfig', reload);
  if (config.admin.token) {
    await app.register(adminRoutes, {
      token: config.admin.token,
      store,
      dispatcher,
      limiter,
      phase: () => phase,
      knownSources,
      readiness: () => checkReadiness(health),
      storeFailure: () => storeFailure,
      remap,
      reload,
    });
  }

  app.addHook('onReady', async () => {
    // Whatever was in flight when the last process died is sent again (at-least-once).
    const released = await store.releaseInflight();
    const mapped = (await remap()).mapped;
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
    waiters.wakeAll();
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

import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ConfigError } from '../../config/load.js';
import type { RelayConfig } from '../../config/schema.js';
import { RelayError } from '../../http/errors.js';
import { adminRoutes, type ReloadResult } from '../../ops/admin-routes.js';
import { ActivityRings, metricsTotals } from '../../ops/activity.js';
import { activityRoutes } from '../../ops/activity-routes.js';
import { checkReadiness, healthRoutes, type HealthOptions, type Phase } from '../../ops/health-routes.js';
import { metricsRoutes, serveMetricsApart } from '../../ops/metrics-routes.js';
import { applyReload } from '../../ops/reload.js';
import { processedSourceIds } from '../../sources/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns /readyz to 503 while the server still accepts (lets a load balancer stop sending first). */
    beginDrain(): void;
    /** Re-reads the configuration file and applies what can change while running. */
    reloadConfig(): Promise<ReloadResult>;
  }
}

export interface OpsPluginOptions {
  config: RelayConfig;
  /** Reads the configuration again (SIGHUP, POST /admin/reload); absent when there is no file. */
  loadConfig?: () => RelayConfig;
}

/**
 * Health, readiness, metrics, the admin API and configuration reload. Registered last: the relay
 * is ready once every stage before it has started, and draining from the first step of closing.
 */
const ops: FastifyPluginAsync<OpsPluginOptions> = async (app, { config: initialConfig, loadConfig }) => {
  const { store, metrics, inbox, processing, delivery, processingThread } = app;
  let config = initialConfig;
  let phase: Phase = 'starting';

  const health: HealthOptions = {
    phase: () => phase,
    store,
    writeFailure: () => inbox.lastFailure,
    storeFailure: () => app.storeFailure(),
    dispatcher: delivery.dispatcher,
    limiter: delivery.limiter,
    zoomScopeProblems: () => app.zoomReconcile?.scopeProblems().length ?? 0,
  };
  await app.register(healthRoutes, health);
  // /metrics on the public port, or only on server.metricsPort when that is set.
  const metricsPort = config.server.metricsPort;
  if (metricsPort === undefined) await app.register(metricsRoutes, { metrics });
  else serveMetricsApart(app, { metrics, port: metricsPort, host: config.server.host });

  const reload = async () => {
    if (!loadConfig) throw new RelayError('RELOAD_UNAVAILABLE');
    let next: RelayConfig;
    try {
      next = loadConfig();
    } catch (error) {
      throw new RelayError('CONFIG_INVALID', error instanceof ConfigError ? error.message : String(error));
    }
    const { result, config: applied } = await applyReload(config, next, {
      events: (events) => processing.setEvents(events),
      accessToken: (token) => delivery.setAccessToken(token),
      oauth: (oauth) => delivery.setOAuth(oauth),
      sources: (sources) => {
        if (!app.webhookSources.replace(sources)) return false;
        processingThread.setSources(sources);
        return true;
      },
    });
    config = applied;
    app.log.info(result, 'configuration reloaded');
    return result;
  };
  app.decorate('reloadConfig', reload);
  if (config.admin.token) {
    await app.register(adminRoutes, {
      token: config.admin.token,
      store,
      dispatcher: delivery.dispatcher,
      limiter: delivery.limiter,
      phase: () => phase,
      knownSources: processedSourceIds(config.sources),
      readiness: () => checkReadiness(health),
      storeFailure: () => app.storeFailure(),
      remap: processing.remap,
      reload,
      replayParked: (ids) => app.webhookSources.replayParked(ids),
      zoomProblems: () => app.zoomReconcile?.scopeProblems() ?? [],
    });
    // The console's charts (GET /admin/activity).
    await app.register(activityRoutes, {
      token: config.admin.token,
      rings: new ActivityRings(metricsTotals(metrics)),
      limiter: delivery.limiter,
    });
  }

  app.decorate('beginDrain', () => {
    phase = 'draining';
  });
  app.addHook('onReady', async () => {
    phase = 'ready';
  });
  app.addHook('preClose', async () => {
    phase = 'draining';
  });
};

export const opsPlugin = fp(ops, { name: 'ops', fastify: '5.x', dependencies: ['store', 'processing', 'delivery', 'ingest'] });
